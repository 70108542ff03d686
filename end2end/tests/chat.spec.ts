import { test, expect, Page } from '@playwright/test';
import * as path from 'path';
import { DEMO, DESKTOP, open, signedIn, snap, hydrated, expectAccessible, bookDaysAhead } from './helpers';

const PHOTO = path.join(__dirname, '..', 'fixtures', 'photo.png');

test('the customer and the worker holding the order chat live, with text and a photo', async ({ browser }) => {
  const customer = await signedIn(browser, DEMO.customer);
  const li = await signedIn(browser, DEMO.approvedWorker);
  const zhao = await signedIn(browser, DEMO.secondWorker);
  await open(li, '/worker');
  await open(zhao, '/worker');
  const orderId = await bookDaysAhead(customer, 2, '10:00');
  // Nobody holds it yet: there is no one to write to.
  await expect(customer.getByRole('link', { name: '联系服务者' })).toHaveCount(0);

  // Whichever worker dispatch offered it to takes it.
  const offerOn = (page: Page) => page.locator(`.offer-card[data-order="${orderId}"]`);
  await expect.poll(async () => (await offerOn(li).count()) + (await offerOn(zhao).count()), { timeout: 15000 }).toBeGreaterThan(0);
  const worker = (await offerOn(li).count()) > 0 ? li : zhao;
  await offerOn(worker).getByRole('button', { name: /^(接单|抢单)$/ }).click();
  await expect(customer.locator('.order-status .state-badge')).toHaveText(/已接单/);

  await customer.getByRole('link', { name: '联系服务者' }).click();
  await expect(customer).toHaveURL(new RegExp(`/orders/${orderId}/chat$`));
  await hydrated(customer);
  await expect(customer.getByText('还没有消息，打个招呼吧')).toBeVisible();
  // A blank message is refused next to the box and sends nothing.
  await customer.getByLabel('输入消息（最多500字）').fill('   ');
  await customer.getByRole('button', { name: '发送', exact: true }).click();
  await expect(customer.getByText('请输入消息内容')).toBeVisible();
  await customer.getByLabel('输入消息（最多500字）').fill('阿姨您好，小区门禁密码是1234#');
  await customer.getByRole('button', { name: '发送', exact: true }).click();
  await expect(customer.locator('.chat-message.mine')).toHaveText(/阿姨您好，小区门禁密码是1234#/);
  await expect(customer.getByLabel('输入消息（最多500字）')).toHaveValue('');
  await expect(customer.getByText('请输入消息内容')).toHaveCount(0);

  // The worker's job shows the unread message live, and opening the thread reads it.
  const job = worker.locator(`.order-card[data-order="${orderId}"]`);
  await expect(job.locator('.chat-link [data-unread="1"]')).toBeVisible();
  await snap(worker, 'chat-worker-unread-390x844');
  await job.getByRole('link', { name: /联系客户/ }).click();
  await expect(worker).toHaveURL(new RegExp(`/worker/orders/${orderId}/chat$`));
  await hydrated(worker);
  await expect(worker.locator('.chat-counterpart')).toHaveText(DEMO.customer.name);
  await expect(worker.locator('.chat-message:not(.mine)')).toHaveText(/小区门禁密码是1234#/);
  await worker.getByLabel('输入消息（最多500字）').fill('好的，我10点准时到');
  await worker.getByRole('button', { name: '发送', exact: true }).click();
  await expect(worker.locator('.chat-message.mine')).toHaveText(/好的，我10点准时到/);
  await worker.locator('.chat-photo-form input[type=file]').setInputFiles(PHOTO);
  await worker.getByRole('button', { name: '发送图片' }).click();
  await expect(worker.getByText('图片已发送')).toBeVisible();
  await hydrated(worker);
  // The notice is one-time: the address drops `?sent=photo`, so a reload does not repeat it.
  await expect(worker).toHaveURL(new RegExp(`/worker/orders/${orderId}/chat$`));
  await expect(worker.getByText('图片已发送')).toBeVisible();
  await expectAccessible(worker);
  await snap(worker, 'chat-worker-thread-390x844');
  await worker.reload();
  await hydrated(worker);
  await expect(worker.locator('.chat-message.mine img.chat-photo')).toBeVisible();
  await expect(worker.getByText('图片已发送')).toHaveCount(0);

  // Both replies reach the customer's open page without a reload, photo included.
  const theirs = customer.locator('.chat-message:not(.mine)');
  await expect(theirs).toHaveCount(2);
  await expect(theirs.first()).toHaveText(/好的，我10点准时到/);
  await expect(theirs.last().locator('img.chat-photo')).toBeVisible();
  const photo = await theirs.last().locator('img.chat-photo').getAttribute('src');
  expect((await customer.request.get(photo!)).status()).toBe(200);
  await expectAccessible(customer);
  await snap(customer, 'chat-customer-thread-390x844');

  // An admin settling a complaint reads the thread from the order page, read-only.
  const admin = await signedIn(browser, DEMO.admin, DESKTOP);
  await open(admin, `/admin/orders/${orderId}`);
  const review = admin.locator('.order-chat-review');
  await expect(review.getByText('每次查看都会记入审计日志')).toBeVisible();
  await review.getByRole('button', { name: '查看聊天记录' }).click();
  await expect(review.locator('.chat-message')).toHaveCount(3);
  await expect(review.locator('.chat-message').first()).toHaveText(/张女士（顾客）.*小区门禁密码是1234#/s);
  await expect(review.locator('img.chat-photo')).toBeVisible();
  await expect(review.locator('textarea')).toHaveCount(0);
  await review.scrollIntoViewIfNeeded();
  await snap(admin, 'chat-admin-review-1440x900');

  // The reading is in 操作日志: who, what and which order.
  await admin.getByRole('link', { name: '操作日志' }).click();
  await expect(admin).toHaveURL(/\/admin\/audit$/);
  const newest = admin.locator('.audit-table tbody tr').first();
  await expect(newest.locator('.audit-action')).toHaveText('查看订单聊天');
  await expect(newest).toContainText('运营管理员');
  await expect(newest.getByRole('link', { name: `订单 #${orderId}` })).toHaveAttribute('href', `/admin/orders/${orderId}`);
  await expectAccessible(admin);
  await snap(admin, 'admin-audit-1440x900');
});

test('a customer writes to support and the staff answer from 客服消息', async ({ browser }) => {
  const customer = await signedIn(browser, DEMO.customer);
  const admin = await signedIn(browser, DEMO.admin, DESKTOP);
  await open(customer, '/me');
  await customer.getByRole('link', { name: /联系客服/ }).click();
  await expect(customer).toHaveURL(/\/me\/support$/);
  await hydrated(customer);
  await expect(customer.locator('.chat-counterpart')).toHaveText('平台客服');
  await customer.getByLabel('输入消息（最多500字）').fill('请问发票怎么开？');
  await customer.getByRole('button', { name: '发送', exact: true }).click();
  await expect(customer.locator('.chat-message.mine')).toHaveText(/请问发票怎么开？/);

  await open(admin, '/admin/support');
  await expect(admin.locator('.sidemenu [data-support="1"]')).toBeVisible();
  const row = admin.locator('.support-table tr', { hasText: DEMO.customer.name });
  await expect(row).toContainText('请问发票怎么开？');
  await expect(row.locator('[data-unread="1"]')).toBeVisible();
  await expectAccessible(admin);
  await snap(admin, 'admin-support-inbox-1440x900');
  await row.getByRole('link', { name: DEMO.customer.name }).click();
  await expect(admin).toHaveURL(/\/admin\/support\/\d+$/);
  await hydrated(admin);
  await expect(admin.locator('.chat-message:not(.mine)')).toHaveText(/请问发票怎么开？/);
  // Reading it clears the menu's badge.
  await expect(admin.locator('.sidemenu [data-support]')).toHaveCount(0);
  await admin.getByLabel('输入消息（最多500字）').fill('您好，服务完成后在订单页点“申请发票”即可，3个工作日内开出。');
  await admin.getByRole('button', { name: '发送', exact: true }).click();
  await expect(admin.locator('.chat-message.mine')).toHaveText(/申请发票/);
  await snap(admin, 'admin-support-thread-1440x900');

  // The answer arrives live, signed as the team.
  const reply = customer.locator('.chat-message:not(.mine)');
  await expect(reply).toHaveText(/申请发票/);
  await expect(reply.locator('.chat-meta')).toContainText('平台客服');
  await expectAccessible(customer);
  await snap(customer, 'chat-customer-support-390x844');
});
