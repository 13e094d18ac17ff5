export interface TestFlag {
    key: string;
    name: string;
    description: string;
    enabled: boolean;
    type: 'BOOLEAN_FLAG_TYPE' | 'VARIANT_FLAG_TYPE';
    rules: unknown[];
    rollouts: unknown[];
    defaultVariant?: {
        id: string;
        key: string;
        attachment: string;
    };
}
export interface TestSnapshot {
    namespace: {
        key: string;
    };
    flags: TestFlag[];
    digest: string;
}
/** A boolean flag that is `value` for everyone. */
export declare function booleanFlag(key: string, value: boolean, extra?: Partial<TestFlag>): TestFlag;
/** A boolean flag that is true only for entities whose `property` equals `value` (or for `entityId` ids, with property `entity`). */
export declare function booleanFlagFor(key: string, property: string, value: string): TestFlag;
/** A variant flag whose default variant is `variantKey`, with `attachment` as its JSON. */
export declare function variantFlag(key: string, variantKey: string, attachment?: unknown, extra?: Partial<TestFlag>): TestFlag;
export declare function makeSnapshot(flags: TestFlag[]): TestSnapshot;
