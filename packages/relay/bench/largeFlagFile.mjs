// Shared by the benches: a flag file of `count` variant flags (flag-0, flag-1, …), each with a
// segment rule and a 50/50 distribution; `rev` changes the default variant and the attachments.
export const flagFile = (count, rev) => {
  let text = 'version: "1.6"\nflags:\n';
  for (let i = 0; i < count; i++) {
    text += `  - key: flag-${i}
    name: Flag ${i}
    enabled: true
    variants: [{key: a, default: ${rev % 2 === 0}}, {key: b, attachment: {rev: ${rev}, i: ${i}}}]
    rules:
      - segment: beta
        distributions: [{variant: a, rollout: 50}, {variant: b, rollout: 50}]
`;
  }
  return `${text}segments:
  - key: beta
    name: Beta
    match_type: ALL_MATCH_TYPE
    constraints: [{type: STRING_COMPARISON_TYPE, property: plan, operator: eq, value: beta}]
`;
};
