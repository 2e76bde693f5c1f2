import { Schema, type Model } from 'mongoose';
import { forbiddenVendorNames, type DpaCustomer, type ForbiddenVendorName, type Vendor } from '../domain/vendors';
import type { CustomerDoc } from './models';
import { isDuplicateKey } from './mongo';
import { required, storedIn, type BoundModels } from './schema';

/**
 * The vendor registry (M5.4), one document per vendor keyed by its ID: what they provide, their
 * contract's incident-notice terms, whether they are a sub-processor and whom to call. Who last
 * changed a vendor and when is kept with it.
 */
export interface VendorDoc extends Omit<Vendor, 'vendorId'> {
  _id: string;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string;
}

const vendor = new Schema<VendorDoc>({
  ...required({ _id: String, name: String, subProcessor: Boolean, createdAt: Date, updatedAt: Date, updatedBy: String }),
  aliases: { type: [String], default: [] },
  services: { type: [String], default: [] },
  components: { type: [String], default: [] },
  contract: { type: Schema.Types.Mixed, required: true },
  contacts: { type: [{ _id: false, name: String, email: String, role: String }], required: true },
}, { minimize: false });

export const vendorCollections = {
  Vendor: storedIn('vendors', vendor),
};

export type VendorModels = BoundModels<typeof vendorCollections>;

/** A stored vendor as the registry's shape. */
export function vendorOf(d: VendorDoc): Vendor {
  return {
    vendorId: d._id, name: d.name, aliases: d.aliases ?? [], services: d.services ?? [], components: d.components ?? [],
    subProcessor: d.subProcessor, contract: d.contract, contacts: (d.contacts ?? []).map((c) => ({ name: c.name, email: c.email, ...(c.role ? { role: c.role } : {}) })),
  };
}

export async function listVendors(models: VendorModels): Promise<VendorDoc[]> {
  return models.Vendor.find({}).sort({ _id: 1 }).lean<VendorDoc[]>();
}

export async function findVendor(models: VendorModels, vendorId: string): Promise<VendorDoc | null> {
  return models.Vendor.findOne({ _id: vendorId }).lean<VendorDoc>();
}

/** Adds a vendor; 'exists' when one with this ID is in the registry already. */
export async function createVendor(models: VendorModels, v: Vendor, by: string, now = new Date()): Promise<{ outcome: 'created'; doc: VendorDoc } | { outcome: 'exists' }> {
  const { vendorId, ...rest } = v;
  const doc: VendorDoc = { _id: vendorId, ...rest, createdAt: now, updatedAt: now, updatedBy: by };
  try {
    await models.Vendor.create(doc);
  } catch (err) {
    if (isDuplicateKey(err)) return { outcome: 'exists' };
    throw err;
  }
  return { outcome: 'created', doc };
}

/** Writes a vendor whole (created when new): the registry holds what was put, nothing merged. */
export async function putVendor(models: VendorModels, v: Vendor, by: string, now = new Date()): Promise<{ created: boolean; doc: VendorDoc }> {
  const { vendorId, ...rest } = v;
  const before = await models.Vendor.findOneAndUpdate(
    { _id: vendorId },
    { $set: { ...rest, updatedAt: now, updatedBy: by }, $setOnInsert: { createdAt: now } },
    { upsert: true, new: false, lean: true },
  );
  return { created: !before, doc: { _id: vendorId, ...rest, createdAt: before?.createdAt ?? now, updatedAt: now, updatedBy: by } };
}

export async function deleteVendor(models: VendorModels, vendorId: string): Promise<boolean> {
  return (await models.Vendor.deleteOne({ _id: vendorId })).deletedCount > 0;
}

/** The vendors public messages may not name, for the gate. */
export async function forbiddenVendorsForGate(models: VendorModels): Promise<ForbiddenVendorName[]> {
  const docs = await models.Vendor.find({ 'contract.publicNaming': 'forbidden' }, { name: 1, aliases: 1, contract: 1 }).lean<VendorDoc[]>();
  return forbiddenVendorNames(docs.map((d) => ({ vendorId: d._id, name: d.name, aliases: d.aliases ?? [], contract: d.contract })));
}

/** The customers whose data-processing agreements name this sub-processor, as the assessment reads them. */
export async function dpaCustomersNaming(models: { Customer: Model<CustomerDoc> }, vendorId: string): Promise<DpaCustomer[]> {
  const docs = await models.Customer.find({ 'dpa.subProcessors': vendorId }, { customerId: 1, name: 1, emails: 1, dpa: 1 }).sort({ customerId: 1 }).lean<CustomerDoc[]>();
  return docs.map((c) => ({ customerId: c.customerId, name: c.name, emails: c.emails ?? [], subProcessors: c.dpa?.subProcessors ?? [] }));
}
