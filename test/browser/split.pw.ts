import { befriend as befriendByApi, SplitCluster } from '../e2e/split-cluster';
import { bodies, expect, logIn, openChat, screenshot, send, test } from './fixtures';

// the split: gateway, two push nodes, dispatch and storage worker on PostgreSQL, Redis, RocketMQ and Elasticsearch
let cluster: SplitCluster;
let oneProcessUrl: string | undefined;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  cluster = await SplitCluster.start();
  oneProcessUrl = process.env.SB_URL;
  process.env.SB_URL = cluster.gatewayUrl;
});

test.afterAll(async () => {
  process.env.SB_URL = oneProcessUrl;
  await cluster?.stop();
});

test('through the gateway, two users on different push nodes chat live in the browser', async ({ browsers }) => {
  const [nodeA, nodeB] = cluster.nodeIds;
  const a = await cluster.userOn(nodeA, 'webA');
  const b = await cluster.userOn(nodeB, 'webB');
  await befriendByApi(a, b);
  a.disconnect();
  b.disconnect();

  const [alice, bob] = [await browsers.page(), await browsers.page()];
  await logIn(alice, a.username, a.password);
  await logIn(bob, b.username, b.password);
  await openChat(alice, b.username);
  await send(alice, 'across the cluster');
  await bob.locator('[data-test=nav-chats]').click();
  await bob.locator('[data-test=conversation]').click();
  await expect(bodies(bob)).toHaveText(['across the cluster']);
  await send(bob, 'received on the other node');
  await expect(bodies(alice)).toHaveText(['across the cluster', 'received on the other node']);
  await expect(alice.locator('[data-test=receipt]').first()).toContainText('✓✓');
  await screenshot(alice, 'split-chat');
});
