import schema from '../../schemas/policy.schema.json' with { type: 'json' };

/** The JSON Schema of the policy file, for editors and tools; the loader validates with a compiled copy. */
export { schema as policySchema };
