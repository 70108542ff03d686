import { test, expect, Page } from '@playwright/test';
import * as path from 'path';
import { DEMO, DESKTOP, PEOPLES_SQUARE as HOME, open, signedIn, snap, hydrated, expectAccessible, expectTilesToOpenWhatTheyCount, expectCustomerTotalsToAddUp, fillBooking, tickChecklist, bookDaysAhead, offeredFirst, skeletonAppeared, watchForSkeleton } from './helpers';

/** Books the demo "日常保洁 · 2小时" for tomorrow at `slot` and pays; returns the order page URL. */
async function bookAndPay(customer: Page, slot: string, shot?: string): Promise<string> {
  await open(customer, '/');
  await customer.locator('.service-list').getByText('日常保洁 · 2小时').click();
  await expect(customer).toHaveURL(/\/services\/\d+/);
  await hydrated(customer);
  if (shot) await snap(customer, `${shot}-01-service-390x844`);
  await customer.getByRole('link', { name: '立即预约' }).click();
  await expect(customer).toHaveURL(/\/book\/\d+/);
  await hydrated(customer);
  await fillBooking(customer, '黄浦区人民大道1号2栋301', HOME.latitude, slot);
  await expect(customer.locator('.submit-bar .price')).toHaveText('¥90.00');
  // The cancellation rule is read before paying, not discovered after.
  await expect(customer.locator('.cancel-rules-hint')).toHaveText('取消规则：服务开始前2小时以上免费取消；开始前2小时内取消收取实付的20%；服务者到达后不可取消。');
  if (shot) await snap(customer, `${shot}-02-book-390x844`);
  await customer.getByRole('button', { name: '提交订单' }).click();
  await expect(customer).toHaveURL(/\/pay\/\d+/);
  await hydrated(customer);
  await expect(customer.locator('.pay-amount')).toHaveText('¥90.00');
  if (shot) await snap(customer, `${shot}-03-pay-390x844`);
  await customer.getByRole('button', { name: '确认支付' }).click();
  await expect(customer).toHaveURL(/\/orders\/\d+/);
  await hydrated(customer);
  // Booked only once the gateway's signed notification has been verified.
  await expect(customer.locator('.order-status .state-badge')).toHaveText(/待接单/);
  return customer.url();
}

test('one order travels from booking to review across customer, worker and admin', async ({ browser }) => {
  const customer = await signedIn(browser, DEMO.customer);
  const worker = await signedIn(browser, DEMO.approvedWorker);
  const admin = await signedIn(browser, DEMO.admin, DESKTOP);

  await open(worker, '/worker');
  const orderUrl = await bookAndPay(customer, '10:00', 'loop');
  const orderId = orderUrl.split('/').pop();
  await snap(customer, 'loop-04-booked-390x844');

  // The offer appears on the worker's open page without a reload.
  const offer = worker.locator('.offer-card', { hasText: '日常保洁 · 2小时' });
  await expect(offer).toBeVisible();
  await expect(offer).toContainText('黄浦区');
  await expect(offer).toContainText('¥72.00');
  await snap(worker, 'loop-05-worker-offer-390x844');
  await offer.getByRole('button', { name: '接单' }).click();
  await expect(customer.locator('.order-status .state-badge')).toHaveText(/已接单/);
  await expect(customer.getByText('李阿姨')).toBeVisible();
  await snap(customer, 'loop-06-accepted-390x844');

  const job = worker.locator(`.order-list .order-card[data-order="${orderId}"]`);
  // B5: until they arrive, the card says from when arriving late costs what.
  await expect(job.locator('[data-late-rule]')).toHaveText(/^迟到扣款：\d\d:\d\d后到达扣¥20\.00，\d\d:\d\d后到达扣¥50\.00$/);
  await snap(worker, 'loop-06b-worker-accepted-390x844');
  for (const [button, state] of [['出发', '已出发'], ['到达', '已到达'], ['开始服务', '服务中'], ['完成服务', '已完成']]) {
    if (button === '完成服务') {
      // Proof of work (B4): finishing is refused until every step of the checklist is ticked.
      await job.getByRole('button', { name: '完成服务' }).click();
      await expect(worker.getByText('服务清单还有未勾选的项目，请逐项完成后再点“完成服务”')).toBeVisible();
      await expect(job.locator('.state-badge')).toHaveText(/服务中/);
      // A 服务后 photo (a plain form post, back to the workbench at this order).
      await job.getByLabel('服务后照片·选择照片').setInputFiles(path.join(__dirname, '..', 'fixtures', 'photo.png'));
      await job.locator('.proof-photos[data-stage="after"]').getByRole('button', { name: '上传' }).click();
      await expect(worker.getByText('照片已上传')).toBeVisible();
      await hydrated(worker);
      await tickChecklist(job);
      await expect(customer.locator('.proof .check-item.ticked')).toHaveCount(4);
      await expect(customer.locator('.proof .proof-photos[data-stage="after"] img')).toHaveCount(1);
      await snap(worker, 'loop-07b-worker-proof-390x844');
    }
    await job.getByRole('button', { name: button }).click();
    await expect(customer.locator('.order-status .state-badge')).toHaveText(new RegExp(state));
    if (state === '已到达') await snap(worker, 'loop-07-worker-arrived-390x844');
  }
  await expect(customer.getByText('记录位置').first()).toBeVisible();
  await snap(customer, 'loop-08-completed-390x844');
  // The customer reads the checklist and the photo, and confirms the service once.
  await customer.getByRole('button', { name: '确认服务完成' }).click();
  await expect(customer.locator('.proof-confirmed')).toContainText('已确认完成于');
  await expect(customer.getByRole('button', { name: '确认服务完成' })).toHaveCount(0);
  await expect(job.locator('.proof-confirmed')).toHaveText(/客户已确认完成/);

  // Review: quality 5, attitude 4, result 5 and a comment.
  await customer.locator('label[for="attitude-4"]').click();
  await customer.getByPlaceholder('说说服务的感受吧（选填）').fill('阿姨很细心，厨房擦得很干净');
  await customer.getByRole('button', { name: '提交评价' }).click();
  await expect(customer.getByText('我的评价')).toBeVisible();
  await expect(customer.getByText('阿姨很细心，厨房擦得很干净')).toBeVisible();
  // Review photos (C9): a plain form post back to the order, the photo under the review.
  await customer.getByLabel('选择晒图照片').setInputFiles(path.join(__dirname, '..', 'fixtures', 'photo.png'));
  await customer.getByRole('button', { name: '上传晒图' }).click();
  await expect(customer.getByText('晒图已上传')).toBeVisible();
  await expect(customer.locator('.review-photos img')).toHaveCount(1);
  await hydrated(customer);
  // A second one, taken off again by its author.
  await customer.getByLabel('选择晒图照片').setInputFiles(path.join(__dirname, '..', 'fixtures', 'photo.png'));
  await customer.getByRole('button', { name: '上传晒图' }).click();
  await expect(customer.locator('.review-photos img')).toHaveCount(2);
  await hydrated(customer);
  await customer.locator('.review-photo').nth(1).getByRole('button', { name: '删除' }).click();
  await expect(customer.locator('.review-photos img')).toHaveCount(1);
  // A short before/after video (C9): a photo is refused as no video, the clip goes up and plays.
  await customer.getByLabel('选择视频').setInputFiles(path.join(__dirname, '..', 'fixtures', 'photo.png'));
  await customer.getByRole('button', { name: '上传视频' }).click();
  await expect(customer.locator('.review-video-panel .field-error')).toHaveText('请上传 MP4 或 MOV 格式的视频');
  await customer.getByLabel('选择视频').setInputFiles(path.join(__dirname, '..', 'fixtures', 'clip.mp4'));
  await customer.getByRole('button', { name: '上传视频' }).click();
  await expect(customer.getByText('视频已上传')).toBeVisible();
  const clip = customer.locator('.review-video-panel video');
  await expect(clip).toHaveCount(1);
  // The browser reads it as a video of about two seconds, and no second one is offered.
  await expect.poll(() => clip.evaluate((v: HTMLVideoElement) => v.readyState >= 1 ? Math.round(v.duration) : -1)).toBe(2);
  await expect(customer.getByRole('button', { name: '上传视频' })).toHaveCount(0);
  await hydrated(customer);
  await expectAccessible(customer);
  await snap(customer, 'loop-09-reviewed-390x844');

  // Keep the worker (C13): she shows under 我的收藏, and the review on the service page.
  await customer.getByRole('button', { name: '☆ 收藏服务人员' }).click();
  await expect(customer.getByRole('button', { name: '★ 已收藏服务人员' })).toBeVisible();
  const extra = await customer.context().newPage();
  await open(extra, '/me/favorites');
  await expect(extra.locator('.favorite-worker')).toContainText(DEMO.approvedWorker.name);
  await snap(extra, 'customer-favorite-worker-390x844');
  await open(extra, '/');
  await extra.locator('.service-list').getByText('日常保洁 · 2小时').click();
  await expect(extra.locator('.rating-summary')).toBeVisible();
  await expect(extra.locator('.review-body').first()).toHaveText('阿姨很细心，厨房擦得很干净');
  await expect(extra.locator('.review').first().locator('img')).toHaveCount(1);
  await expect(extra.locator('.review').first().locator('video')).toHaveCount(1);
  await snap(extra, 'customer-service-reviews-390x844');
  await extra.close();
  // The worker reads it, photo included, on 我的考核.
  const ownPage = await worker.context().newPage();
  await open(ownPage, '/worker/assessment');
  await expect(ownPage.locator('.review', { hasText: '阿姨很细心，厨房擦得很干净' }).locator('img')).toHaveCount(1);
  await snap(ownPage, 'worker-reviews-390x844');
  await ownPage.close();

  // Admin: the order with its full history and why the worker was chosen.
  await open(admin, '/admin/orders');
  await expect(admin.getByRole('link', { name: /^DJ/ }).first()).toBeVisible();
  // The order map (A6): the finished order is a grey dot at its address, and the dot opens it.
  await hydrated(admin);
  const dot = admin.locator(`.orders-map circle[data-order="${orderId}"]`);
  await expect(dot).toHaveClass(/map-done/);
  await expect(admin.locator('.map-legend')).toContainText('需要处理');
  // Orders at one address fan out instead of hiding under one dot.
  const centres = await admin.locator('.orders-map circle[data-order]').evaluateAll((dots) => dots.map((d) => `${d.getAttribute('cx')},${d.getAttribute('cy')}`));
  expect(centres.length).toBeGreaterThan(1);
  expect(new Set(centres).size).toBe(centres.length);
  await expectAccessible(admin);
  await snap(admin, 'loop-10-admin-orders-1440x900');
  await dot.dispatchEvent('click');
  await expect(admin).toHaveURL(new RegExp(`/admin/orders/${orderId}$`));
  await expect(admin.locator('.detail-header .state-badge')).toHaveText(/已完成/);
  await expect(admin.locator('.offers').getByText(/总分 \d\.\d\d/)).toBeVisible();
  await expect(admin.locator('.timeline-item')).toHaveCount(7);
  // Proof of work: where the worker said they arrived, against the address.
  await expect(admin.locator('[data-arrival-metres]')).toContainText(/距服务地址约 \d+ 米/);
  // …the ticked checklist, the photo and the customer's confirmation.
  await expect(admin.locator('.proof .check-item.ticked')).toHaveCount(4);
  await expect(admin.locator('.proof .proof-photos[data-stage="after"] img')).toHaveCount(1);
  await expect(admin.locator('.proof-confirmed')).toContainText('已确认完成于');
  // …and the customer's review with its photo.
  await expect(admin.locator('.order-review .review-body')).toHaveText('阿姨很细心，厨房擦得很干净');
  await expect(admin.locator('.order-review img')).toHaveCount(1);
  // …and where its money went: the payment into escrow, then the split at completion.
  await expect(admin.locator('.order-money tr[data-kind="capture"]')).toContainText('订单托管 +¥90.00');
  await expect(admin.locator('.order-money tr[data-kind="completion"]')).toContainText('服务者 +¥72.00');
  await expectAccessible(admin);
  await snap(admin, 'loop-11-admin-order-1440x900');

  // A8: the customer's page from the order, with the order, its money and the review; every total is the sum of its column.
  await admin.locator('.detail-header').getByRole('link', { name: DEMO.customer.name }).click();
  await expect(admin).toHaveURL(/\/admin\/users\/\d+$/);
  await expect(admin.locator('.detail-header h2')).toHaveText(DEMO.customer.name);
  const row = admin.locator(`.customer-orders tr[data-order="${orderId}"]`);
  await expect(row.locator('.state-badge')).toHaveText(/已完成/);
  await expect(row.locator('td[data-paid]')).toHaveText('¥90.00');
  await expect(admin.locator('.customer-reviews tr', { hasText: '阿姨很细心，厨房擦得很干净' })).toContainText('5 / 4 / 5');
  await expect(admin.locator('.customer-reviews tr', { hasText: '阿姨很细心，厨房擦得很干净' }).locator('img')).toHaveCount(1);
  await expectCustomerTotalsToAddUp(admin);
  await expectAccessible(admin);
  await snap(admin, 'loop-12-admin-customer-1440x900');

  // Rebook prefills the same address.
  await customer.getByRole('link', { name: '再来一单' }).click();
  await expect(customer).toHaveURL(/rebook=/);
  await hydrated(customer);
  await expect(customer.getByLabel('详细地址')).toHaveValue('黄浦区人民大道1号2栋301');
  for (const page of [customer, worker, admin]) await page.context().close();
});

test('a declined offer goes to the next worker, a timeout to the admin queue, and the admin assigns by hand', async ({ browser }) => {
  const customer = await signedIn(browser, DEMO.customer);
  const li = await signedIn(browser, DEMO.approvedWorker);
  const zhao = await signedIn(browser, DEMO.secondWorker);
  const admin = await signedIn(browser, DEMO.admin, DESKTOP);
  await open(li, '/worker');
  await open(zhao, '/worker');
  const orderUrl = await bookAndPay(customer, '14:00');
  const orderId = orderUrl.split('/').pop();

  // Whoever is offered it first declines.
  const offerOn = (p: Page) => p.locator('.offer-card', { hasText: '日常保洁 · 2小时' });
  const [first, second] = await offeredFirst(li, zhao, offerOn);
  const secondName = second === zhao ? DEMO.secondWorker.name : DEMO.approvedWorker.name;
  await offerOn(first).getByRole('button', { name: '拒绝' }).click();
  await expect(offerOn(first)).toHaveCount(0);

  // The other demo worker is offered it next and lets it time out.
  await open(admin, `/admin/orders/${orderId}`);
  await expect(admin.getByRole('cell', { name: secondName }).first()).toBeVisible();
  const queued = admin.locator(`a[href="/admin/orders/${orderId}"]`);
  await expect(async () => {
    await open(admin, '/admin/dispatch');
    await expect(queued).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 60_000 });
  // The menu's 派单队列 carries a badge with the number of waiting orders.
  await expect(admin.locator('.menu-badge')).toHaveText(/^[1-9]\d*$/);
  await snap(admin, 'queue-01-dispatch-queue-1440x900');

  await queued.click();
  await expect(admin).toHaveURL(/\/admin\/orders\/\d+/);
  await hydrated(admin);
  await expect(admin.locator('.assign').getByText('已拒绝过此单')).toBeVisible();
  // The decision record says why it came to the admin: whoever qualified was asked.
  await expect(admin.locator('.decisions .decision summary').last()).toContainText('转人工派单（可派的服务者都已问过）');
  await expect(admin.getByRole('cell', { name: '已超时' })).toBeVisible();
  await snap(admin, 'queue-02-admin-assign-1440x900');
  // Neither a refused nor a done assignment blanks the order to a skeleton while it reloads.
  await watchForSkeleton(admin);
  // Assigning the worker who declined breaks a hard rule: refused without the override…
  const declinedRow = admin.locator('.assign tr', { hasText: '已拒绝过此单' });
  await declinedRow.getByRole('button', { name: '指派' }).click();
  await expect(admin.getByText('请勾选“强制指派”后再确认')).toBeVisible();
  // …while the worker who let it time out is still eligible.
  const eligibleRow = admin.locator('.assign tr', { hasText: '全部满足' });
  await eligibleRow.getByRole('button', { name: '指派' }).click();
  await expect(admin.locator('.detail-header .state-badge')).toHaveText(/已接单/);
  expect(await skeletonAppeared(admin)).toBe(false);
  await expect(customer.locator('.order-status .state-badge')).toHaveText(/已接单/);
  await expect(customer.getByText(secondName)).toBeVisible();
  // The dashboard counts the assigned order 服务进行中, and each tile opens what it counts.
  const tiles = await expectTilesToOpenWhatTheyCount(admin);
  expect(tiles.StatOrdersInProgress).toBeGreaterThanOrEqual(1);
  expect(tiles.StatOrdersToday).toBeGreaterThanOrEqual(2);
  await open(admin, '/admin/orders?attention=underway');
  await expect(admin.getByRole('link', { name: '服务进行中' })).toHaveClass(/active/);
  await expect(admin.locator(`a[href="/admin/orders/${orderId}"]`)).toBeVisible();
  await snap(admin, 'queue-03-admin-orders-underway-1440x900');
  for (const page of [customer, li, zhao, admin]) await page.context().close();
});

test('a customer cancels a paid order before the cut-off and is refunded in full', async ({ browser }) => {
  const customer = await signedIn(browser, DEMO.customer);
  await bookAndPay(customer, '16:00');
  // The fee steps are on the page before anyone taps cancel: free until 2 h before, then 20 %.
  const rules = customer.locator('[data-cancel-rules]');
  await expect(rules).toContainText('取消规则');
  await expect(rules.locator('li').first()).toContainText(/14:00 前取消：免费/);
  await expect(rules.locator('li[data-fee-fen="1800"]')).toContainText(/14:00 后取消：收取 ¥18\.00（实付的 20%）/);
  await expect(rules).toContainText('服务者到达后不可取消');
  await customer.getByRole('button', { name: '取消订单' }).click();
  await expect(customer.getByText('现在取消免费')).toBeVisible();
  await snap(customer, 'cancel-01-confirm-390x844');
  // A support answer arrives live meanwhile. It is not about this order, so the order is not
  // redrawn under the customer: the same element stays, and the question stays open.
  await customer.locator('.order-status').evaluate((el) => { (el as any).untouched = true; });
  const support = await customer.context().newPage();
  await open(support, '/me/support');
  await hydrated(support);
  await support.getByLabel('输入消息（最多500字）').fill('取消后退款多久到账？');
  await support.getByRole('button', { name: '发送', exact: true }).click();
  await expect(support.locator('.chat-message.mine').last()).toHaveText(/退款多久到账/);
  const admin = await signedIn(browser, DEMO.admin, DESKTOP);
  await open(admin, '/admin/support');
  await admin.locator('.support-table tr', { hasText: DEMO.customer.name }).getByRole('link', { name: DEMO.customer.name }).click();
  await hydrated(admin);
  await admin.getByLabel('输入消息（最多500字）').fill('原路退回，一般1至3个工作日到账。');
  await admin.getByRole('button', { name: '发送', exact: true }).click();
  await expect(support.locator('.chat-message:not(.mine)').last()).toHaveText(/原路退回/);
  await customer.waitForTimeout(1000);
  expect(await customer.locator('.order-status').evaluate((el) => (el as any).untouched)).toBe(true);
  await expect(customer.getByText('现在取消免费')).toBeVisible();
  await admin.context().close();
  await support.close();
  await customer.getByRole('button', { name: '确认取消' }).click();
  await expect(customer.locator('.order-status .state-badge')).toHaveText(/已退款/);
  await expect(customer.locator('.cell', { hasText: '退款金额' })).toContainText('¥90.00');
  await snap(customer, 'cancel-02-refunded-390x844');

  await open(customer, '/orders?tab=cancelled');
  await expect(customer.locator('.order-card', { hasText: '已退款' }).first()).toBeVisible();
  await snap(customer, 'cancel-03-orders-390x844');
  await customer.context().close();
});

test('a customer moves a paid order to another free hour of the same worker; a dearer peak hour is shown but not offered', async ({ browser }) => {
  const customer = await signedIn(browser, DEMO.customer);
  const orderId = await bookDaysAhead(customer, 4, '10:00');
  await hydrated(customer);
  const serviceTime = customer.locator('.cell', { hasText: '服务时间' });
  await expect(serviceTime).toContainText('10:00–12:00');
  const reschedule = customer.locator('.reschedule');
  await expect(reschedule).toHaveAttribute('data-reschedules-left', '2');
  await expect(reschedule).toContainText('还可改期 2 次');
  await reschedule.getByRole('button', { name: '改期' }).click();
  await expect(customer.getByRole('heading', { name: '选择新的服务时间' })).toBeVisible();
  await reschedule.getByRole('tab').nth(4).click();
  await expect(reschedule.locator('.slot', { hasText: '10:00' })).toContainText('原时间');
  await expect(reschedule.locator('.slot', { hasText: '10:00' })).toBeDisabled();
  await reschedule.getByRole('tab').nth(5).click();
  // 18:00–20:00 is the evening peak: dearer, so not offered, and the hint says why.
  const peak = reschedule.locator('.slot', { hasText: '18:00' });
  await expect(peak).toContainText('价格更高');
  await expect(peak).toBeDisabled();
  await expect(reschedule).toContainText('价格更高的时段请取消后重新预约');
  await snap(customer, 'reschedule-01-peak-not-offered-390x844');
  await reschedule.locator('.slot:not([disabled])', { hasText: '14:00' }).click();
  await reschedule.getByRole('button', { name: '确认改期' }).click();
  await expect(serviceTime).toContainText('14:00–16:00');
  await expect(customer.locator('.timeline-item', { hasText: '已改期' })).toContainText('改为');
  await expect(customer.locator('.reschedule')).toHaveAttribute('data-reschedules-left', '1');
  await expectAccessible(customer);
  await snap(customer, 'reschedule-02-moved-390x844');

  // Support sees the move on the order's timeline too.
  const admin = await signedIn(browser, DEMO.admin, DESKTOP);
  await open(admin, `/admin/orders/${orderId}`);
  await expect(admin.locator('.timeline-item', { hasText: '已改期' })).toBeVisible();
  await snap(admin, 'reschedule-03-admin-1440x900');

  // The customer calls: support moves it again, into the evening peak, at the price paid.
  await hydrated(admin);
  const byAdmin = admin.locator('.admin-reschedule');
  await byAdmin.getByRole('button', { name: '选择新的服务时间' }).click();
  await byAdmin.getByRole('tab').nth(6).click();
  await byAdmin.locator('.slot:not([disabled])', { hasText: '18:00' }).click();
  await byAdmin.getByRole('button', { name: '确认改期' }).click();
  await expect(admin.locator('#f-reschedule-reason-error')).toHaveText('请填写改期原因，顾客会看到它');
  await byAdmin.getByLabel('改期原因').fill('顾客来电：白天不在家，改到晚上');
  await snap(admin, 'reschedule-04-admin-moves-1440x900');
  await byAdmin.getByRole('button', { name: '确认改期' }).click();
  await expect(admin.locator('.timeline-item', { hasText: '客服改期：顾客来电：白天不在家，改到晚上' })).toBeVisible();
  await customer.reload();
  await expect(serviceTime).toContainText('18:00–20:00');
  await expect(customer.getByText('客服改期：顾客来电：白天不在家，改到晚上')).toBeVisible();
  await expect(customer.locator('.quote-total .price')).toHaveAttribute('data-total', '9000');
  await expect(customer.locator('.reschedule'), "support's move does not use up the customer's").toHaveAttribute('data-reschedules-left', '1');
  await snap(customer, 'reschedule-05-moved-by-support-390x844');
  // 我的 counts it new until 消息与提醒 shows it.
  await open(customer, '/me');
  await expect(customer.locator('.messages-link .menu-badge')).toBeVisible();
  await expect(customer.locator('.tabbar .tab-badge')).toBeVisible();
  const marked = customer.waitForResponse((r) => r.url().endsWith('/api/mark_messages_read') && r.ok());
  await customer.locator('.messages-link').click();
  await expect(customer).toHaveURL(/\/me\/reminders$/);
  await hydrated(customer);
  const moved = customer.locator('.message', { hasText: '原因：顾客来电：白天不在家，改到晚上' });
  await expect(moved).toContainText('已由客服改到');
  await expect(moved.locator('.new-tag')).toHaveText('新');
  await marked;
  await open(customer, '/me');
  await expect(customer.locator('.messages-link')).toBeVisible();
  await expect(customer.locator('.messages-link .menu-badge')).toHaveCount(0);
  await expect(customer.locator('.tabbar .tab-badge')).toHaveCount(0);
  await customer.context().close();
  await admin.context().close();
});

test('a customer moves an evening-peak booking to the daytime and the peak surcharge comes back', async ({ browser }) => {
  const customer = await signedIn(browser, DEMO.customer);
  // The calendar says what the evening peak adds before it is chosen.
  await bookDaysAhead(customer, 7, '18:00', '+¥18.00');
  await hydrated(customer);
  const total = customer.locator('.quote-total .price');
  await expect(total).toHaveAttribute('data-total', '10800');
  const surcharge = customer.locator('.quote-line[data-kind="time"]');
  await expect(surcharge).toContainText('高峰时段');
  const reschedule = customer.locator('.reschedule');
  await reschedule.getByRole('button', { name: '改期' }).click();
  await reschedule.getByRole('tab').nth(7).click();
  const daytime = reschedule.locator('.slot', { hasText: '10:00' });
  await expect(daytime).toContainText('退¥18.00');
  await daytime.click();
  await snap(customer, 'reschedule-06-cheaper-390x844');
  await reschedule.getByRole('button', { name: '确认改期' }).click();
  await expect(customer.locator('.cell', { hasText: '服务时间' })).toContainText('10:00–12:00');
  await expect(total).toHaveAttribute('data-total', '9000');
  await expect(customer.locator('.timeline-item', { hasText: '已改期' })).toContainText('差价 ¥18.00 原路退回');
  await expect(surcharge).toHaveCount(0);
  await snap(customer, 'reschedule-07-refunded-390x844');
  await customer.context().close();
});

test('an admin cancels an order for the platform: a reason is required, and the customer is refunded in full and reads why', async ({ browser }) => {
  const customer = await signedIn(browser, DEMO.customer);
  const orderId = (await bookAndPay(customer, '15:00')).split('/').pop();
  const admin = await signedIn(browser, DEMO.admin, DESKTOP);
  await open(admin, `/admin/orders/${orderId}`);
  const panel = admin.locator('.admin-cancel');
  await panel.getByRole('button', { name: '取消订单并退款' }).click();
  await expect(admin.locator('#f-cancel-reason-error')).toHaveText('请填写取消原因，顾客会看到它');
  await expect(admin.locator('.detail-header .state-badge')).toHaveText(/待接单|已接单/);
  const reason = '该时段暂无服务人员可上门，平台为您取消';
  await panel.getByLabel('取消原因').fill(reason);
  await snap(admin, 'admin-cancel-01-reason-1440x900');
  await panel.getByRole('button', { name: '取消订单并退款' }).click();
  await expect(admin.locator('.detail-header .state-badge')).toHaveText(/退款中|已退款/);
  await expect(admin.locator('.admin-cancel')).toHaveCount(0);
  // 通知记录 shows what the customer was told, and how.
  const told = admin.locator('.order-notices tr[data-to="customer"]', { hasText: `已由客服取消（平台取消：${reason}）` });
  await expect(told.filter({ hasText: '站内' })).toHaveCount(1);
  await snap(admin, 'admin-order-notices-1440x900');

  await customer.reload();
  await expect(customer.locator('.order-status .state-badge')).toHaveText(/已退款/);
  await expect(customer.locator('.cell', { hasText: '退款金额' })).toContainText('¥90.00');
  await expect(customer.getByText(`平台取消：${reason}`)).toBeVisible();
  await snap(customer, 'admin-cancel-02-customer-390x844');
  for (const page of [customer, admin]) await page.context().close();
});

test('a customer complains about an order; the admin takes, answers and resolves it, and the customer reads each answer', async ({ browser }) => {
  const customer = await signedIn(browser, DEMO.customer);
  const admin = await signedIn(browser, DEMO.admin, DESKTOP);
  // 16:00: the cancellation test above frees it again.
  const orderUrl = await bookAndPay(customer, '16:00');
  const orderId = orderUrl.split('/').pop();

  // From the order page, with the order preselected; a two-word complaint is explained in place.
  await customer.getByRole('link', { name: '对这单有意见？投诉/反馈' }).click();
  await expect(customer).toHaveURL(new RegExp(`/me/feedback\\?order=${orderId}$`));
  await hydrated(customer);
  await expect(customer.getByLabel('关联订单')).toHaveValue(orderId!);
  await customer.getByLabel('反馈类型').selectOption({ label: '迟到' });
  const text = customer.getByLabel('具体情况');
  await text.fill('迟到了');
  await customer.getByRole('button', { name: '提交', exact: true }).click();
  await expect(customer.locator('.feedback-form .field-error').filter({ hasText: '请至少写5个字' })).toBeVisible();
  await expect(text, 'a refused note stays to be corrected').toHaveValue('迟到了');
  await text.fill('预约16点，阿姨16点40才到，也没有提前说');
  await customer.getByRole('button', { name: '提交', exact: true }).click();
  await expect(customer.getByRole('status')).toHaveText(/已提交/);
  await expect(text, 'a filed note leaves the form empty for the next').toHaveValue('');
  const card = customer.locator('.feedback-card', { hasText: '阿姨16点40才到' });
  await expect(card.locator('[data-feedback-status]')).toHaveText('待处理');
  // A photo of what happened: a plain form post that comes back to the same card.
  await card.locator('input[type=file]').setInputFiles(path.join(__dirname, '..', 'fixtures', 'photo.png'));
  const back = customer.waitForURL(/uploaded=1/, { waitUntil: 'commit' });
  await card.getByRole('button', { name: '添加照片' }).click();
  await back;
  await hydrated(customer);
  await expect(card.locator('.feedback-photos img')).toHaveCount(1);
  await expect(card.getByRole('status')).toHaveText('照片已添加');
  await expect(customer).toHaveURL(/\/me\/feedback$/);
  await expectAccessible(customer);
  await snap(customer, 'feedback-01-filed-390x844');
  // The notice was one-time: a reload shows the photo, not the notice.
  await customer.reload();
  await hydrated(customer);
  await expect(card.locator('.feedback-photos img')).toHaveCount(1);
  await expect(card.getByRole('status')).toHaveCount(0);
  // The customer starts a second note; answers arriving live below must not clear it.
  await text.fill('另外，阿姨走的时候没有关窗');

  // The order monitor flags the order; the admin finds the complaint among the unresolved, takes it, answers, then resolves it.
  await open(admin, '/admin/orders?attention=complaint');
  await expect(admin.locator('tbody tr', { hasText: DEMO.customer.name }).filter({ has: admin.locator(`a[href="/admin/orders/${orderId}"]`) })).toContainText('有未解决投诉');
  await snap(admin, 'feedback-02-admin-orders-complaint-1440x900');
  await open(admin, '/admin/feedback?status=unresolved');
  const row = admin.locator('tr', { hasText: '阿姨16点40才到' });
  await expect(row).toContainText('迟到');
  await expect(row).toContainText(DEMO.customer.name);
  await snap(admin, 'feedback-02-admin-feedback-list-1440x900');
  await row.getByRole('link', { name: '处理' }).click();
  await expect(admin).toHaveURL(/\/admin\/feedback\/\d+$/);
  await hydrated(admin);
  await expect(admin.locator('.feedback-photos img')).toHaveCount(1);
  await admin.getByRole('button', { name: '认领' }).click();
  await expect(admin.locator('.detail-header [data-feedback-status]')).toHaveText('处理中');
  await expect(admin.getByRole('button', { name: '认领' })).toHaveCount(0);
  await snap(admin, 'feedback-03-admin-taken-1440x900');
  const reply = admin.getByPlaceholder('写给客户的回复');
  await reply.fill('已联系服务者核实，今晚给您回电');
  await admin.getByRole('button', { name: '发送' }).click();
  await expect(admin.locator('.feedback-reply')).toHaveCount(1);
  await expect(card.locator('.feedback-reply')).toContainText('今晚给您回电');
  await expect(text).toHaveValue('另外，阿姨走的时候没有关窗');
  await expect(admin.getByText('处理人：运营管理员')).toBeVisible();
  // Handed to the second admin: they become its handler (any admin may still answer it).
  await admin.getByLabel('转交给').selectOption({ label: '客服主管' });
  await admin.getByRole('button', { name: '转交' }).click();
  await expect(admin.getByRole('status')).toHaveText('已转交，处理人已更新');
  await expect(admin.getByText('处理人：客服主管')).toBeVisible();
  await admin.getByLabel('处理方式').selectOption({ label: '回复并标记已解决' });
  await reply.fill('已核实属实，补偿20元并向您致歉');
  await admin.getByRole('button', { name: '发送' }).click();
  await expect(admin.locator('.detail-header [data-feedback-status]')).toHaveText('已解决');
  await expect(admin.getByText('这条反馈已解决，不能再处理')).toBeVisible();
  await expectAccessible(admin);
  await snap(admin, 'feedback-04-admin-resolved-1440x900');

  // The customer sees both answers on the complaint and in 消息; the customer's admin page lists it.
  await open(customer, '/me/feedback');
  await expect(card.locator('[data-feedback-status]')).toHaveText('已解决');
  await expect(card.locator('.feedback-reply.resolution')).toContainText('补偿20元');
  await snap(customer, 'feedback-05-resolved-390x844');
  await open(customer, '/me/reminders');
  await expect(customer.locator('.message', { hasText: '您的反馈已处理完毕：已核实属实，补偿20元并向您致歉' })).toBeVisible();
  await expect(customer.locator('.message', { hasText: '您的反馈有新回复：已联系服务者核实，今晚给您回电' })).toBeVisible();
  await admin.locator('.detail-header').getByRole('link', { name: /^DJ/ }).click();
  await expect(admin.locator('.order-feedback tr', { hasText: '阿姨16点40才到' })).toContainText('已解决');
  await snap(admin, 'feedback-06-admin-order-1440x900');
  await admin.locator('.detail-header').getByRole('link', { name: DEMO.customer.name }).click();
  await expect(admin.locator('.customer-feedback tr', { hasText: '阿姨16点40才到' })).toContainText('已解决');
  for (const page of [customer, admin]) await page.context().close();
});

test('经营分析 counts a new paid order, and its CSV download adds up to the same figures', async ({ browser }) => {
  const admin = await signedIn(browser, DEMO.admin, DESKTOP);
  await admin.getByRole('link', { name: '经营分析' }).click();
  await expect(admin).toHaveURL(/\/admin\/analytics$/);
  await expect(admin.locator('.chip.active')).toHaveText('近 30 天');
  await expect(admin.locator('.daily-chart g[data-day]')).toHaveCount(30);
  await expect(admin.locator('.heatmap tbody tr')).toHaveCount(7);
  await admin.locator('.filter-chips').getByRole('link', { name: '近 7 天' }).click();
  await expect(admin).toHaveURL(/days=7/);
  await expect(admin.locator('.daily-chart g[data-day]')).toHaveCount(7);
  const figure = async (key: string) => (await admin.locator(`[data-figure="${key}"] .stat-value`).textContent())!;
  const yuanOf = (text: string) => Math.round(Number(text.replace('¥', '')) * 100);
  const [orders, paid, net] = [Number(await figure('orders')), Number(await figure('paid')), yuanOf(await figure('net'))];

  const customer = await signedIn(browser, DEMO.customer);
  await bookAndPay(customer, '17:00');
  await admin.reload();
  await expect(admin.locator('[data-figure="orders"] .stat-value')).toHaveText(String(orders + 1));
  await expect(admin.locator('[data-figure="paid"] .stat-value')).toHaveText(String(paid + 1));
  expect(yuanOf(await figure('net'))).toBe(net + 9000);
  await expect(admin.locator('.category-mix tr[data-category="日常保洁"]')).toBeVisible();
  await expectAccessible(admin);
  await snap(admin, 'admin-analytics-1440x900');

  const href = await admin.locator('[data-csv]').getAttribute('href');
  expect(href).toBe('/admin/analytics.csv?days=7');
  const csv = await admin.request.get(href!);
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
  const body = await csv.body();
  expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = body.subarray(3).toString('utf8').trim().split('\r\n');
  expect(lines).toHaveLength(9);
  expect(lines[0]).toBe('日期,下单数,支付订单,完成订单,支付后取消,成交额（元）,平台收入（元）');
  const total = lines[8].split(',');
  expect([total[0], Number(total[1]), Number(total[2]), Math.round(Number(total[5]) * 100)]).toEqual(['合计', orders + 1, paid + 1, net + 9000]);
});
