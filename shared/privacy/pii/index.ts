/**
 * @module shared/privacy/pii
 * PII detection and pseudonymization for the edge: `analyze` finds entities (Presidio's
 * vocabulary), `pseudonymize` swaps them for placeholders and returns the vault (which the edge
 * seals with the user's data key), `restore` puts values back for the owner, and `scanOutput`
 * redacts PII a model produced on its own. Runtime-neutral (workerd and Node): WebCrypto only.
 */
export { analyze, analyzeReport, DEFAULT_MAX_ENTITIES, DEFAULT_THRESHOLD, type AnalysisReport, type AnalyzeOptions } from './analyzer';
export { CONTEXT_BOOST, enhanceWithContext } from './context-enhancer';
export { normalizeForMatching, type NormalizedText } from './normalize';
export { scanOutput, type OutputScanResult } from './output-scan';
export { resolveOverlaps } from './overlap-resolution';
export { actionFor, parsePiiPolicy, piiPolicySchema, type PiiAction, type PiiPolicy } from './policy';
export { pseudonymize, restore, type PiiVault, type PseudonymizedText } from './pseudonymize';
export { DEFAULT_RECOGNIZERS } from './recognizers/index';
export { PII_ENTITY_TYPES, type PiiCandidate, type PiiEntity, type PiiEntityType, type PiiRecognizer, type RecognizerOptions } from './types';
