/** Word pools for generated data. Names live in the kit (kit/names.ts), shared with other emulators. */

/** City, state, country, zip prefix, time zone: one tuple keeps a user's address consistent. */
export const PLACES: readonly (readonly [string, string, string, string, string])[] = [
  ['Bangalore', 'Karnataka', 'India', '560', 'Asia/Kolkata'],
  ['Mumbai', 'Maharashtra', 'India', '400', 'Asia/Kolkata'],
  ['Delhi', 'Delhi', 'India', '110', 'Asia/Kolkata'],
  ['Hyderabad', 'Telangana', 'India', '500', 'Asia/Kolkata'],
  ['Chennai', 'Tamil Nadu', 'India', '600', 'Asia/Kolkata'],
  ['Pune', 'Maharashtra', 'India', '411', 'Asia/Kolkata'],
  ['Kolkata', 'West Bengal', 'India', '700', 'Asia/Kolkata'],
  ['Sacramento', 'California', 'United States', '958', 'US/Pacific'],
  ['Mexico City', 'CDMX', 'Mexico', '060', 'America/Mexico_City'],
  ['Dubai', 'Dubai', 'United Arab Emirates', '000', 'Asia/Dubai'],
  ['Singapore', 'Singapore', 'Singapore', '018', 'Asia/Singapore'],
  ['Dublin', 'Leinster', 'Ireland', 'D02', 'Europe/Dublin'],
];

export const STREETS = [
  'MG Road',
  'Residency Road',
  'Park Street',
  'Linking Road',
  'Main Street',
  'Church Street',
];

export const DEPARTMENTS = [
  'Sales',
  'Marketing',
  'Admissions',
  'Support',
  'Operations',
  'Finance',
  'Inside Sales',
];

/** Designations by role index (see ROLES in user-store.ts). */
export const DESIGNATIONS: readonly (readonly string[])[] = [
  ['Head of Operations', 'CRM Administrator', 'Director'],
  ['Marketing Executive', 'Campaign Manager', 'Content Lead'],
  ['Sales Manager', 'Regional Manager', 'Team Lead'],
  ['Sales Executive', 'Counsellor', 'Relationship Manager', 'Inside Sales Rep'],
];

export const OFFICES = ['HQ', 'North Hub', 'South Hub', 'West Hub', 'East Hub', 'Remote'];

export const SKILLS = [
  'English',
  'Hindi',
  'Kannada',
  'Tamil',
  'Negotiation',
  'Cold Calling',
  'Product Demo',
  'Spanish',
];

export const SALES_REGIONS = ['North', 'South', 'East', 'West', 'Central', 'International'];

export const USER_TAGS = ['internal employee', 'location', 'vip', 'trainee', 'night shift'];

export const TAG_VALUES = ['csg team', 'bangalore', 'mumbai', 'delhi', 'yes', 'batch 7'];

export const GROUP_CITIES = [
  'Delhi',
  'Mumbai',
  'Bangalore',
  'Chennai',
  'Hyderabad',
  'Pune',
  'Kolkata',
  'Ahmedabad',
  'Jaipur',
  'Lucknow',
  'Kochi',
  'Indore',
  'Nagpur',
  'Surat',
  'Bhopal',
  'Patna',
  'Goa',
  'Mysore',
  'Noida',
  'Gurgaon',
];

export const COMPANY_NAMES = [
  'Provalant Inc',
  'Education 101',
  'Acme Realty',
  'Northwind Finance',
  'Bluebird Health',
];

export const TEAM_REGIONS = [
  'North',
  'South',
  'East',
  'West',
  'Central',
  'International',
  'Enterprise',
  'Inbound',
];

export const TEAM_FUNCTIONS = ['Inside Sales', 'Field Sales', 'Admissions', 'Renewals', 'Partnerships'];
