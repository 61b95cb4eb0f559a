/** LeadSquared's four fixed roles (reference §1.9): the API value is the id. */
export const ROLES: Record<string, { name: string; description: string }> = {
  Administrator: { name: 'Administrator', description: 'Full access to the account' },
  Marketing_User: { name: 'Marketing User', description: 'Sees all leads; all marketing features' },
  Sales_Manager: { name: 'Sales Manager', description: 'Sees all leads; no marketing; limited settings' },
  Sales_User: { name: 'Sales User', description: 'Sees own leads; can belong to sales groups' },
};
