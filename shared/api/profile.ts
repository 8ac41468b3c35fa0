/**
 * @module shared/api/profile
 * Explicit user preferences (`PUT|GET /v1/profile`).
 */
import { z } from 'zod';
import { contentPreferencesSchema } from '../personalization/content-filter';

export const STYLES = ['casual', 'formal', 'technical', 'creative'] as const;
export const TONES = ['neutral', 'friendly', 'professional', 'enthusiastic', 'empathetic'] as const;
export const RESPONSE_LENGTHS = ['concise', 'balanced', 'detailed'] as const;
export const DOMAINS = ['writing', 'code', 'tutoring', 'shopping', 'health', 'general'] as const;
export type Style = (typeof STYLES)[number];
export type Domain = (typeof DOMAINS)[number];
export type ResponseLength = (typeof RESPONSE_LENGTHS)[number];

export const profileSchema = z
  .strictObject({
    style: z.enum(STYLES).describe('preferred writing style').optional(),
    tone: z.enum(TONES).describe('preferred tone').optional(),
    complexity: z.number().min(0).max(1).describe('0 = plain language, 1 = expert detail').optional(),
    response_length: z.enum(RESPONSE_LENGTHS).describe('preferred answer length').optional(),
    domains: z.array(z.enum(DOMAINS)).max(DOMAINS.length).describe('domains of interest').optional(),
    content: contentPreferencesSchema.describe('content to keep out of answers: excluded topics, and what to do with profanity').optional(),
    best_of: z.number().int().min(1).max(4).describe('responses generated per request, the one that fits your preferences best returned (best-of mode: 4); default 1').optional(),
    locale: z
      .string()
      .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'must be a BCP 47 language tag such as en-GB')
      .max(35)
      .describe('BCP 47 language tag')
      .optional(),
  })
  .describe('Profile');
export type Profile = z.infer<typeof profileSchema>;

export const storedProfileSchema = profileSchema.extend({ updated_at: z.string().describe('ISO 8601 time of the last change').nullable() });
export type StoredProfile = z.infer<typeof storedProfileSchema>;
