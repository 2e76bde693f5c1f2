import { loadEnv } from '../config/env';
import { connectStore } from '../store/connect';
import { seedDemoData } from '../store/demo-data';

async function main() {
  const store = await connectStore(loadEnv().MONGODB_URI);
  const seeded = await seedDemoData(store);
  console.log(seeded ? 'seeded the demo data set' : 'store already has data; not seeding');
  await store.close();
}

main().catch((err) => {
  console.error('seeding failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
