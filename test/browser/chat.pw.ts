import { befriend, bodies, expect, openChat, register, screenshot, send, test, uniqueName } from './fixtures';

test('two users register, become friends and chat live', async ({ browsers }) => {
  const [alice, bob] = [await browsers.page(), await browsers.page()];
  const [a, b] = [uniqueName('alice'), uniqueName('bob')];
  await alice.goto('/login');
  await screenshot(alice, 'login');
  await register(alice, a);
  await register(bob, b);
  await befriend(alice, bob, b);
  await expect(bob.locator(`[data-test=friend][data-username="${a}"] [data-test=presence]`)).toHaveClass(/on/);
  await screenshot(bob, 'contacts');

  await openChat(alice, b);
  await send(alice, 'hello bob');
  await expect(alice.locator('[data-test=message][data-state=sent]')).toHaveCount(1);
  await bob.locator('[data-test=nav-chats]').click();
  await expect(bob.locator('[data-test=conversation] [data-test=unread]')).toHaveText('1');
  await expect(bob.locator('[data-test=conversation-preview]')).toHaveText('hello bob');
  await bob.locator('[data-test=conversation]').click();
  await expect(bodies(bob)).toHaveText(['hello bob']);
  await send(bob, 'hi alice 👋');
  await expect(bodies(alice)).toHaveText(['hello bob', 'hi alice 👋']);
  await screenshot(alice, 'chat');
  await alice.locator('[data-test=nav-chats]').click();
  await screenshot(alice, 'conversations');
});

test('a user who was away sees exactly the missed messages once, in order', async ({ browsers }) => {
  const alice = await browsers.page();
  const bobContext = await browsers.context();
  let bob = await bobContext.newPage();
  const [a, b] = [uniqueName('alice'), uniqueName('bob')];
  await register(alice, a);
  await register(bob, b);
  await befriend(alice, bob, b);
  await openChat(alice, b);
  await send(alice, 'before');
  await bob.locator('[data-test=nav-chats]').click();
  await bob.locator('[data-test=conversation]').click();
  await expect(bodies(bob)).toHaveText(['before']);
  await bob.goto('/contacts');
  await bob.close();

  const missed = ['one', 'two', 'three', 'four'];
  for (const text of missed) {
    await send(alice, text);
    await expect(alice.locator('[data-test=message][data-state=sent]').last()).toContainText(text);
  }

  bob = await bobContext.newPage();
  await bob.goto('/chats');
  await expect(bob.locator('[data-test=connection]')).toHaveAttribute('data-state', 'connected');
  await expect(bob.locator('[data-test=conversation] [data-test=unread]')).toHaveText(String(missed.length));
  await bob.locator('[data-test=conversation]').click();
  await expect(bodies(bob)).toHaveText(['before', ...missed]);
  // still exactly once after a reload (the session survives it; history and replay overlap)
  await bob.reload();
  await expect(bob.locator('[data-test=connection]')).toHaveAttribute('data-state', 'connected');
  await expect(bodies(bob)).toHaveText(['before', ...missed]);
});

test('recall, typing and a read receipt are seen by the other side', async ({ browsers }) => {
  const [alice, bob] = [await browsers.page(), await browsers.page()];
  const [a, b] = [uniqueName('alice'), uniqueName('bob')];
  await register(alice, a);
  await register(bob, b);
  await befriend(alice, bob, b);
  await openChat(alice, b);
  await send(alice, 'read me');
  await send(alice, 'oops, recall me');
  await expect(alice.locator('[data-test=message][data-state=sent]')).toHaveCount(2);
  await expect(alice.locator('[data-test=receipt]').first()).toContainText('✓');

  await openChat(bob, a);
  await expect(bodies(bob)).toHaveText(['read me', 'oops, recall me']);
  await expect(alice.locator('[data-test=receipt]').last()).toContainText('✓✓');

  await bob.locator('[data-test=composer]').pressSequentially('typing…');
  await expect(alice.locator('[data-test=typing]')).toContainText(b);

  await alice.locator('[data-test=message]').last().locator('[data-test=recall]').click();
  await expect(bob.locator('[data-test=message]').last()).toHaveAttribute('data-recalled', 'true');
  await expect(bob.locator('[data-test=recalled]')).toHaveCount(1);
  await expect(bodies(bob)).toHaveText(['read me']);
  await screenshot(alice, 'chat-receipts');
});

test('a message body is text: no HTML injection; long and odd unicode bodies stay inside the bubble', async ({ browsers }) => {
  const [alice, bob] = [await browsers.page(), await browsers.page()];
  const [a, b] = [uniqueName('alice'), uniqueName('bob')];
  await register(alice, a);
  await register(bob, b);
  await befriend(alice, bob, b);
  await openChat(alice, b);
  const xss = '<img src=x onerror=alert(1)>';
  const long = 'x'.repeat(3000);
  const odd = 'RTL \u202Eevil\u202C · Z̷̢͉a̴͎͝l̸̠̈g̵̱̈́o̷̠͑ · 𝕦𝕟𝕚𝕔𝕠𝕕𝕖 · 中文 · 👩‍👩‍👧‍👦';
  await send(alice, xss);
  await send(alice, long);
  await send(alice, odd);
  await openChat(bob, a);
  await expect(bodies(bob)).toHaveText([xss, long, odd]);
  await expect(bob.locator('[data-test=messages] img')).toHaveCount(0);
  const pane = await bob.locator('[data-test=messages]').boundingBox();
  for (const bubble of await bob.locator('[data-test=message] .bubble').all()) {
    const box = (await bubble.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(pane!.x + pane!.width);
  }
  // the conversation list's preview is text too
  await bob.locator('[data-test=nav-chats]').click();
  await expect(bob.locator('[data-test=conversation-preview]')).toContainText('中文');
});

test('search finds messages across conversations', async ({ browsers }) => {
  const [alice, bob] = [await browsers.page(), await browsers.page()];
  const [a, b] = [uniqueName('alice'), uniqueName('bob')];
  await register(alice, a);
  await register(bob, b);
  await befriend(alice, bob, b);
  await openChat(alice, b);
  const word = `needle${Date.now().toString(36)}`;
  await send(alice, `the ${word} in the haystack`);
  await send(alice, 'nothing here');
  await expect(alice.locator('[data-test=message][data-state=sent]')).toHaveCount(2);
  await bob.locator('[data-test=nav-search]').click();
  await bob.locator('[data-test=message-search]').fill(word);
  // the history index is written after the send answers: search again until it shows up
  await expect(async () => {
    await bob.locator('[data-test=message-search-submit]').click();
    await expect(bob.locator('[data-test=search-body]')).toHaveText([`the ${word} in the haystack`], { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await screenshot(bob, 'search');
  await bob.locator('[data-test=search-result]').click();
  await expect(bodies(bob)).toHaveText([`the ${word} in the haystack`, 'nothing here']);
});

test('a group: create, a join request approved in the UI, members chat', async ({ browsers }) => {
  const [owner, joiner] = [await browsers.page(), await browsers.page()];
  const [o, j] = [uniqueName('owner'), uniqueName('joiner')];
  await register(owner, o);
  await register(joiner, j);
  await owner.locator('[data-test=nav-groups]').click();
  await owner.locator('[data-test=group-name]').fill('Book club 📚');
  await owner.locator('[data-test=create-group]').click();
  await owner.locator('[data-test=group][data-group-name="Book club 📚"]').click();
  const groupId = (await owner.locator('[data-test=group-id]').textContent())!.trim();

  await joiner.locator('[data-test=nav-groups]').click();
  await joiner.locator('[data-test=join-id]').fill(groupId);
  await joiner.locator('[data-test=apply]').click();
  await expect(joiner.locator('[data-test=group-info]')).toBeVisible();

  await owner.locator('[data-test=join-request] [data-test=approve]').click();
  await expect(owner.locator('[data-test=member]')).toHaveCount(2);
  await expect(owner.locator('[data-test=join-request]')).toHaveCount(0);
  await expect(owner.locator(`[data-test=member][data-username="${j}"] [data-test=role]`)).toHaveText('member');
  await screenshot(owner, 'group');
  await expect(joiner.locator('[data-test=group]')).toHaveCount(1);

  await owner.locator('[data-test=open-group-chat]').click();
  await send(owner, 'welcome!');
  await joiner.locator('[data-test=nav-chats]').click();
  await joiner.locator('[data-test=conversation]').click();
  await expect(bodies(joiner)).toHaveText(['welcome!']);
  await send(joiner, 'thanks');
  await expect(bodies(owner)).toHaveText(['welcome!', 'thanks']);
  await expect(owner.locator('[data-test=receipt]').first()).toContainText(/1/);
  await screenshot(owner, 'group-chat');

  // a second application to a group one is in is refused: the API's message shows in place
  await joiner.locator('[data-test=nav-groups]').click();
  await joiner.locator('[data-test=join-id]').fill(groupId);
  await joiner.locator('[data-test=apply]').click();
  await expect(joiner.locator('[data-test=group-error]')).toContainText(/\d{3}/);
});

test('bad input shows the API message in place; the session survives a reload; two tabs stay consistent', async ({ browsers }) => {
  const context = await browsers.context();
  const tab1 = await context.newPage();
  await tab1.goto('/register');
  await tab1.locator('[data-test=username]').fill('x');
  await tab1.locator('[data-test=password]').fill('short');
  await tab1.locator('[data-test=submit]').click();
  await expect(tab1.locator('[data-test=form-error]')).toContainText('400');

  const [a, b] = [uniqueName('alice'), uniqueName('bob')];
  await register(tab1, a);
  await tab1.reload();
  await expect(tab1.locator('[data-test=connection]')).toHaveAttribute('data-state', 'connected');
  await expect(tab1.locator('[data-test=me]')).toHaveText(a);

  const bob = await browsers.page();
  await register(bob, b);
  await befriend(tab1, bob, b);
  const tab2 = await context.newPage();
  await tab2.goto('/chats');
  await expect(tab2.locator('[data-test=connection]')).toHaveAttribute('data-state', 'connected');
  await openChat(tab1, b);
  await send(tab1, 'from tab one');
  await tab2.locator('[data-test=conversation]').click();
  await expect(bodies(tab2)).toHaveText(['from tab one']);
  await openChat(bob, a);
  await send(bob, 'to both tabs');
  await expect(bodies(tab1)).toHaveText(['from tab one', 'to both tabs']);
  await expect(bodies(tab2)).toHaveText(['from tab one', 'to both tabs']);

  // logging out in one tab logs the other out too
  await tab1.locator('[data-test=logout]').click();
  await expect(tab1).toHaveURL(/\/login$/);
  await expect(tab2).toHaveURL(/\/login$/);
});

test('Simplified Chinese and a phone-width screen', async ({ browsers }) => {
  const phone = await browsers.page({ viewport: { width: 390, height: 844 } });
  const friend = await browsers.page();
  const [a, b] = [uniqueName('li'), uniqueName('wang')];
  await register(phone, a);
  await register(friend, b);
  await phone.locator('[data-test=locale]').click();
  await expect(phone.locator('[data-test=nav-contacts]')).toContainText('联系人');
  await befriend(friend, phone, a);
  await openChat(phone, b);
  await send(phone, '你好！');
  await openChat(friend, a);
  await send(friend, '很高兴认识你');
  await expect(bodies(phone)).toHaveText(['你好！', '很高兴认识你']);
  await expect(phone.locator('[data-test=conversation-list]')).toBeHidden();
  await screenshot(phone, 'phone-chat-zh');
  await phone.locator('[data-test=nav-chats]').click();
  await expect(phone.locator('[data-test=conversation-list]')).toBeVisible();
  await screenshot(phone, 'phone-conversations-zh');
});

test('a send whose answer is lost shows failed; retry reuses the clientMsgId, so the friend gets it once', async ({ browsers }) => {
  const [alice, bob] = [await browsers.page(), await browsers.page()];
  const [a, b] = [uniqueName('alice'), uniqueName('bob')];
  await register(alice, a);
  await register(bob, b);
  await befriend(alice, bob, b);
  await openChat(alice, b);
  await openChat(bob, a);
  const bodiesSent: string[] = [];
  // the server stores the message, but its answers never reach the page: it sees 503s
  await alice.route('**/api/v1/messages', async (route) => {
    const answer = await route.fetch();
    bodiesSent.push(route.request().postData() ?? '');
    expect(answer.status()).toBe(201);
    await route.fulfill({
      status: 503,
      contentType: 'application/json',
      body: JSON.stringify({ statusCode: 503, error: 'Service Unavailable', code: 'UNAVAILABLE', message: 'try again' }),
    });
  });
  await send(alice, 'sent twice, stored once');
  await expect(alice.locator('[data-test=message][data-state=failed]')).toHaveCount(1);
  await expect(alice.locator('[data-test=message-error]')).toContainText('try again');
  await alice.unroute('**/api/v1/messages');
  await alice.locator('[data-test=retry]').click();
  await expect(alice.locator('[data-test=message][data-state=sent]')).toHaveCount(1);
  await expect(bodies(alice)).toHaveText(['sent twice, stored once']);
  await expect(bodies(bob)).toHaveText(['sent twice, stored once']);
  // reloading shows what the server holds: one message
  await bob.reload();
  await expect(bodies(bob)).toHaveText(['sent twice, stored once']);
  // the SDK's own retries and the UI's retry: every attempt carried the one clientMsgId
  const ids = new Set(bodiesSent.map((b) => (JSON.parse(b) as { clientMsgId: string }).clientMsgId));
  expect(ids.size).toBe(1);
});

test('history loads older pages on scroll (cursor pagination), in order and once', async ({ browsers, request }) => {
  const [alice, bob] = [await browsers.page(), await browsers.page()];
  const [a, b] = [uniqueName('alice'), uniqueName('bob')];
  await register(alice, a);
  await register(bob, b);
  await befriend(alice, bob, b);
  // 75 messages through the API (the page size is 30): faster than typing them
  const login = await request.post(`${process.env.SB_URL}/api/v1/auth/login`, {
    data: { username: a, password: 'password-123', platform: 'other' },
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const bobId = (await (
    await request.get(`${process.env.SB_URL}/api/v1/users?search=${b}`, { headers: { authorization: `Bearer ${accessToken}` } })
  ).json()) as { id: string }[];
  const expected = Array.from({ length: 75 }, (_, i) => `message ${String(i + 1).padStart(2, '0')}`);
  for (const [i, body] of expected.entries()) {
    const res = await request.post(`${process.env.SB_URL}/api/v1/messages`, {
      headers: { authorization: `Bearer ${accessToken}` },
      data: { to: { userId: bobId[0].id }, body, clientMsgId: `${a}-${i}` },
    });
    expect(res.status()).toBe(201);
  }
  await bob.reload();
  await openChat(bob, a);
  await expect(bodies(bob).last()).toHaveText('message 75');
  const messages = bob.locator('[data-test=messages]');
  // scroll to the top until the beginning of the conversation shows
  await expect(async () => {
    await messages.evaluate((el) => el.scrollTo(0, 0));
    await expect(bob.locator('[data-test=history-state]')).toHaveText('Beginning of the conversation', { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await expect(bodies(bob)).toHaveText(expected);
});
