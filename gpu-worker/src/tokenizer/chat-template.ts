/**
 * @module gpu-worker/tokenizer/chat-template
 * Chat templates: the Jinja sources Attune falls back to, and rendering through `@huggingface/jinja`
 * with the variables Hugging Face `apply_chat_template` passes (`messages`, `add_generation_prompt`,
 * `bos_token`, `eos_token`).
 */
import { Template } from '@huggingface/jinja';

/** One turn of a conversation. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Options of {@link renderChatTemplate}. */
export interface ChatTemplateOptions {
  /** Append the opening of an assistant turn so the model writes the reply. */
  addGenerationPrompt: boolean;
  /** Text of the tokenizer's BOS token; templates such as Llama 3's write it themselves. @default '' */
  bosToken?: string;
  /** Text of the tokenizer's EOS token. @default '' */
  eosToken?: string;
}

/**
 * ChatML (`<|im_start|>role\ncontent<|im_end|>\n` per message), the template Attune's own models
 * use; the same source as Hugging Face's ChatML `chat_template`.
 */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/**
 * Fallback for tokenizers that have neither a chat template nor ChatML tokens (base models):
 * BOS, then `role: content\n` per message, then `assistant: ` when a reply is wanted.
 */
export const PLAIN_ROLE_TEMPLATE =
  "{{ bos_token }}{% for message in messages %}{{ message['role'] + ': ' + message['content'] + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ 'assistant: ' }}{% endif %}";

/** A parsed template, ready to render many conversations. */
export type CompiledChatTemplate = (messages: readonly ChatMessage[], options: ChatTemplateOptions) => string;

/**
 * Parses a Jinja chat template once.
 *
 * @throws Error `chat template could not be parsed: …` naming the parser's complaint.
 * @example
 * const render = compileChatTemplate(CHATML_TEMPLATE);
 * render([{ role: 'user', content: 'Hi' }], { addGenerationPrompt: true });
 */
export function compileChatTemplate(template: string): CompiledChatTemplate {
  let parsed: Template;
  try {
    parsed = new Template(template);
  } catch (error) {
    throw new Error(`chat template could not be parsed: ${describe(error)}`, { cause: error });
  }
  return function renderCompiledChatTemplate(messages, options) {
    try {
      return parsed.render({
        messages: messages.map(({ role, content }) => ({ role, content })),
        add_generation_prompt: options.addGenerationPrompt,
        bos_token: options.bosToken ?? '',
        eos_token: options.eosToken ?? '',
      });
    } catch (error) {
      throw new Error(`chat template failed to render: ${describe(error)}`, { cause: error });
    }
  };
}

/**
 * Renders a conversation with a Jinja chat template (parsed on every call; use
 * {@link compileChatTemplate} to parse once).
 *
 * @throws Error naming whether parsing or rendering failed, and why (including a template's own
 *   `raise_exception('…')` message).
 * @example
 * renderChatTemplate(CHATML_TEMPLATE, [{ role: 'user', content: 'Hi' }], { addGenerationPrompt: true });
 * // '<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n'
 */
export function renderChatTemplate(
  template: string,
  messages: readonly ChatMessage[],
  options: ChatTemplateOptions,
): string {
  return compileChatTemplate(template)(messages, options);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
