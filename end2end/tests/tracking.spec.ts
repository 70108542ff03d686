import { test, expect, Page } from '@playwright/test';
import { DEMO, DESKTOP, open, signedIn, snap, expectAccessible, bookDaysAhead, tickChecklist } from './helpers';

/** 2.67 km north-east of the service address (People's Square): 501 s by the travel model. */
const ON_THE_WAY = { latitude: 31.25, longitude: 121.49 };
const CLOSER = { latitude: 31.235, longitude: 121.478 };

test('the customer follows the worker on a map from 出发 to 完成, with the track and an ETA, and the admin keeps the record', async ({ browser }) => {
  const customer = await signedIn(browser, DEMO.customer);
  const li = await signedIn(browser, DEMO.approvedWorker);
  const zhao = await signedIn(browser, DEMO.secondWorker);
  for (const worker of [li, zhao]) {
    await worker.context().setGeolocation(ON_THE_WAY);
    await open(worker, '/worker');
  }
  const orderId = await bookDaysAhead(customer, 2, '14:00');
  const offerOn = (page: Page) => page.locator(`.offer-card[data-order="${orderId}"]`);
  await expect.poll(async () => (await offerOn(li).count()) + (await offerOn(zhao).count()), { timeout: 15000 }).toBeGreaterThan(0);
  const worker = (await offerOn(li).count()) > 0 ? li : zhao;
  await offerOn(worker).getByRole('button', { name: /^(接单|抢单)$/ }).click();
  await expect(customer.locator('.order-status .state-badge')).toHaveText(/已接单/);
  // Not on the way yet: no map.
  await expect(customer.locator('.track')).toHaveCount(0);

  const job = worker.locator(`.order-card[data-order="${orderId}"]`);
  await job.getByRole('button', { name: '出发' }).click();
  await expect(job.getByText('出发后到服务完成前，你的位置会实时分享给客户')).toBeVisible();
  const track = customer.locator('.track');
  await expect(track).toHaveAttribute('data-points', '1');
  await expect(track.locator('.track-status')).toHaveText('服务者正在赶来，预计 9 分钟到达');
  await expect(track.locator('.track-worker')).toBeVisible();
  await expect(track.locator('.track-destination')).toBeVisible();

  // The phone reports again as the worker moves; the map and the ETA follow without a reload.
  await worker.context().setGeolocation(CLOSER);
  await expect(track).toHaveAttribute('data-points', '2', { timeout: 30000 });
  await expect(track.locator('.track-status')).toHaveText(/预计 [1-3] 分钟到达|马上到达/);
  await expectAccessible(customer);
  await snap(customer, 'tracking-customer-390x844');
  await snap(worker, 'tracking-worker-390x844');
  // Admins see the same map on the order's page.
  const admin = await signedIn(browser, DEMO.admin, DESKTOP);
  await open(admin, `/admin/orders/${orderId}`);
  await expect(admin.locator('.track .track-worker')).toBeVisible();
  expect(Number(await admin.locator('.track').getAttribute('data-points'))).toBeGreaterThanOrEqual(2);
  await snap(admin, 'tracking-admin-order-1440x900');

  await job.getByRole('button', { name: '到达' }).click();
  await expect(track.locator('.track-status')).toHaveText('服务者已在服务地址');
  // Reporting the customer not home before a quarter of an hour past the start is refused with why, and changes nothing.
  await job.getByRole('button', { name: '客户不在家' }).click();
  await job.getByRole('dialog', { name: '客户不在家' }).getByRole('button', { name: '客户不在家' }).click();
  await expect(worker.getByText('服务开始15分钟后仍联系不上客户，才能标记客户不在家')).toBeVisible();
  await expect(job.locator('.state-badge')).toHaveText(/已到达/);
  await snap(worker, 'absent-01-too-soon-390x844');
  await job.getByRole('button', { name: '开始服务' }).click();
  await tickChecklist(job);
  await job.getByRole('button', { name: '完成服务' }).click();
  await expect(customer.locator('.order-status .state-badge')).toHaveText(/已完成/);
  // Completed: the position is no longer shared, and the map is gone.
  await expect(customer.locator('.track')).toHaveCount(0);
  // The admin still reads the trip's record on the order's page, with nobody on it now.
  await open(admin, `/admin/orders/${orderId}`);
  const record = admin.locator('.track.track-recorded');
  await expect(admin.getByRole('heading', { name: '服务者行程记录' })).toBeVisible();
  expect(Number(await record.getAttribute('data-points'))).toBeGreaterThanOrEqual(2);
  await expect(record.locator('.track-status')).toHaveText(/^行程已结束：.+ 至 .+ 共记录 \d+ 个位置（仅管理员可见，30 天后删除）$/);
  await expect(record.locator('.track-worker')).toHaveCount(0);
  await expectAccessible(admin);
  await snap(admin, 'tracking-admin-record-1440x900');
});
