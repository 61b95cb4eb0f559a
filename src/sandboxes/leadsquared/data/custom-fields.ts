/**
 * User custom fields `mx_Custom_N`. Create User names them by a friendly schema name
 * (`Marital_Status`); the user record and AdvancedSearch use the internal `mx_Custom_N` column.
 * Values are strings; dates use the LeadSquared `YYYY-MM-DD HH:MM:SS` format.
 */
import { DATA_ANCHOR, formatLsqDateTime } from './dates.ts';

/** DataType codes are undocumented; these are the sandbox's (8 = dropdown, as the vendor example shows). */
export const DATA_TYPES = { String: 1, Number: 2, DateTime: 3, Boolean: 4, Dropdown: 8 } as const;

export interface CustomFieldDef {
  column: string;
  schemaName: string;
  displayName: string;
  dataType: number;
  options: readonly string[] | null;
  /** Generated value from a per-user hash; null = unset. */
  generate(h: number): string | null;
}

const YEAR = 365 * 86400;

function dateWithin(h: number, yearsBack: number): string {
  return formatLsqDateTime(DATA_ANCHOR - (h % (yearsBack * YEAR)));
}

function often(h: number, percent: number): boolean {
  return (h >>> 24) % 100 < percent;
}

const KNOWN: readonly Omit<CustomFieldDef, 'column'>[] = [
  {
    schemaName: 'Appraisal_Date',
    displayName: 'Appraisal Date',
    dataType: DATA_TYPES.DateTime,
    options: null,
    generate: (h) => (often(h, 70) ? dateWithin(h, 2) : null),
  },
  {
    schemaName: 'Lead_Assignment_Daily_Limit',
    displayName: 'Lead Assignment Daily Limit',
    dataType: DATA_TYPES.Number,
    options: null,
    generate: (h) => `${10 + (h % 41)}`,
  },
  {
    schemaName: 'Marital_Status',
    displayName: 'Marital Status',
    dataType: DATA_TYPES.Dropdown,
    options: ['Single', 'Married', 'Unmarried'],
    generate: (h) => (often(h, 80) ? ['Single', 'Married', 'Unmarried'][h % 3] : null),
  },
  {
    schemaName: 'Number_Of_Dependents',
    displayName: 'Number of Dependents',
    dataType: DATA_TYPES.Number,
    options: null,
    generate: (h) => (often(h, 60) ? `${h % 5}` : null),
  },
  {
    schemaName: 'Languages',
    displayName: 'Languages',
    dataType: DATA_TYPES.String,
    options: null,
    generate: (h) => ['English', 'English, Hindi', 'Hindi, Kannada', 'English, Tamil', 'Spanish'][h % 5],
  },
  {
    schemaName: 'Joining_Date',
    displayName: 'Joining Date',
    dataType: DATA_TYPES.DateTime,
    options: null,
    generate: (h) => dateWithin(h, 8),
  },
  {
    schemaName: 'Shift',
    displayName: 'Shift',
    dataType: DATA_TYPES.Dropdown,
    options: ['Morning', 'Evening', 'Night'],
    generate: (h) => ['Morning', 'Evening', 'Night'][h % 3],
  },
  {
    schemaName: 'Vehicle_Number',
    displayName: 'Vehicle Number',
    dataType: DATA_TYPES.String,
    options: null,
    generate: (h) => (often(h, 40) ? `KA-${1 + (h % 60)}-${1000 + (h % 9000)}` : null),
  },
  {
    schemaName: 'Certification',
    displayName: 'Certification',
    dataType: DATA_TYPES.String,
    options: null,
    generate: (h) => (often(h, 30) ? ['CRM Basics', 'Advanced Selling', 'Compliance 2024'][h % 3] : null),
  },
  {
    schemaName: 'Emergency_Contact',
    displayName: 'Emergency Contact',
    dataType: DATA_TYPES.String,
    options: null,
    generate: (h) => (often(h, 75) ? `+91-${6000000000 + (h % 3999999999)}` : null),
  },
  {
    schemaName: 'Blood_Group',
    displayName: 'Blood Group',
    dataType: DATA_TYPES.Dropdown,
    options: ['A+', 'A-', 'B+', 'B-', 'O+', 'O-', 'AB+', 'AB-'],
    generate: (h) => (often(h, 50) ? ['A+', 'A-', 'B+', 'B-', 'O+', 'O-', 'AB+', 'AB-'][h % 8] : null),
  },
  {
    schemaName: 'PAN_Verified',
    displayName: 'PAN Verified',
    dataType: DATA_TYPES.Boolean,
    options: null,
    generate: (h) => (h % 4 === 0 ? 'false' : 'true'),
  },
  {
    schemaName: 'Region_Code',
    displayName: 'Region Code',
    dataType: DATA_TYPES.String,
    options: null,
    generate: (h) => `R${(h % 90) + 10}`,
  },
  {
    schemaName: 'Monthly_Quota',
    displayName: 'Monthly Quota',
    dataType: DATA_TYPES.Number,
    options: null,
    generate: (h) => `${(h % 50) * 1000}`,
  },
  {
    schemaName: 'Notes',
    displayName: 'Notes',
    dataType: DATA_TYPES.String,
    options: null,
    generate: (h) => (often(h, 20) ? ['Top performer', 'On probation', 'Remote worker'][h % 3] : null),
  },
];

export function customFieldDefs(count: number): CustomFieldDef[] {
  const out: CustomFieldDef[] = [];
  for (let n = 1; n <= count; n++) {
    const known = KNOWN[n - 1];
    out.push(
      known
        ? { ...known, column: `mx_Custom_${n}` }
        : {
            column: `mx_Custom_${n}`,
            schemaName: `Custom_Field_${n}`,
            displayName: `Custom Field ${n}`,
            dataType: DATA_TYPES.String,
            options: null,
            generate: (h) => (often(h, 50) ? `Value ${h % 100}` : null),
          },
    );
  }
  return out;
}
