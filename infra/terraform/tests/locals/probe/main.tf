# Receives the edge Worker's bindings through a variable typed like the cloudflare provider's
# `bindings` attribute (a list of objects whose attributes are optional): Terraform converts the
# heterogeneous list (plain_text, secret_text, kv_namespace, durable_object_namespace entries)
# exactly as it must for the provider.
variable "bindings" {
  type = list(object({
    name         = string
    type         = string
    text         = optional(string)
    namespace_id = optional(string)
    class_name   = optional(string)
  }))
  sensitive = true
}

output "summary" {
  value     = [for b in var.bindings : { name = b.name, type = b.type, text_set = b.text != null, namespace_id = b.namespace_id, class_name = b.class_name }]
  sensitive = true
}
