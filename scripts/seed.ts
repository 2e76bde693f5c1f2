import { loadEnv } from '../config/env';
import { connectStore } from '../store/connect';
import { pointDemoWebhooks, seedDemoData } from '../store/demo-data';

async function main() {
  const store = await connectStore(loadEnv().MONGODB_URI);
  const seeded = await seedDemoData(store);
  console.log(seeded ? 'seeded the demo data set' : 'store already has data; not seeding');
  // `npm start` runs a receiver for the demo customers' webhooks; their endpoints point at it.
  const hooks = process.env.HERALD_DEMO_WEBHOOKS_URL;
  if (hooks) await pointDemoWebhooks(store, hooks);
  await store.close();
}

main().catch((err) => {
  console.error('seeding failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
