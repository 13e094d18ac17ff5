/**
 * The flags of your namespace, as the compiler should know them. Empty here, so every flag key
 * is a `string`. `flagcast-relay types --file features.yml --out src/flags.d.ts` writes a
 * declaration file that fills it in; with that file in your program, `getBoolean`,
 * `getVariant`, `watchFlag` and the React hooks accept only known keys of the right type, and
 * variant keys and attachments get their types:
 *
 * @example
 * declare module '@flagcast/core' {
 *   interface FlagRegistry {
 *     'new-checkout': { type: 'boolean' };
 *     theme: { type: 'variant'; variants: 'light' | 'dark'; attachment: { readonly accent: string } | null };
 *   }
 * }
 */
// Empty on purpose: declaration merging fills it in.
export interface FlagRegistry {}

type Registered = keyof FlagRegistry & string;

/** Whether a registry was declared: without one, keys are plain strings. */
type Untyped = [Registered] extends [never] ? true : false;

/** A boolean flag's key: `string`, or the registry's boolean flags. */
// Spelled out (not through a helper type) so that compiler messages list the keys.
export type BooleanFlagKey = Untyped extends true ? string : { [K in Registered]: FlagRegistry[K] extends { type: 'boolean' } ? K : never }[Registered];

/** A variant flag's key: `string`, or the registry's variant flags. */
export type VariantFlagKey = Untyped extends true ? string : { [K in Registered]: FlagRegistry[K] extends { type: 'variant' } ? K : never }[Registered];

/** Any flag's key: `string`, or the registry's keys. */
export type FlagKey = BooleanFlagKey | VariantFlagKey;

/** The variant keys of variant flag `K` (`string` for a key the registry does not know). */
export type VariantKeyOf<K extends string> = K extends Registered ? (FlagRegistry[K] extends { variants: infer V extends string } ? V : string) : string;

/** The attachment of variant flag `K`, parsed (`unknown` for a key the registry does not know). */
export type AttachmentOf<K extends string> = K extends Registered ? (FlagRegistry[K] extends { attachment: infer A } ? A : unknown) : unknown;
