import { test, expect, Browser, Page } from '@playwright/test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEMO, PHONE, DESKTOP, freshPhone, open, login, snap, hydrated, expectAccessible, fillBooking, tickChecklist, skeletonAppeared, watchForSkeleton } from './helpers';

/** A spot in the Shanghai region at least 40 km from People's Square (the
 * demo workers' area centre) and picked at random per run, so only the
 * worker who signs up in this run (area centred here) qualifies. */
function remoteSpot() {
  for (;;) {
    const latitude = Number((30.6 + Math.random() * 1.2).toFixed(4));
    const longitude = Number((120.6 + Math.random() * 1.4).toFixed(4));
    const km = Math.hypot((latitude - 31.2304) * 111, (longitude - 121.4737) * 95);
    if (km > 40) return { latitude, longitude };
  }
}
const SPOT = remoteSpot();

// A real PNG, and a PDF whose name claims it is a JPEG.
const FIXTURES = path.join(__dirname, '..', 'fixtures');
const files = { png: path.join(FIXTURES, 'photo.png'), fakeJpg: path.join(FIXTURES, 'certificate-really-a-pdf.jpg') };

/** The Asia/Shanghai calendar date `days` from today, as a date input takes it. */
function beijingDate(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
}

async function newContextPage(browser: Browser, viewport = PHONE): Promise<Page> {
  const context = await browser.newContext({ viewport, geolocation: SPOT, permissions: ['geolocation'], locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  return context.newPage();
}

async function upload(page: Page, kind: string, file: string) {
  const slot = page.locator(`.doc-slot[data-doc="${kind}"]`);
  await slot.locator('input[type=file]').setInputFiles(file);
  const back = page.waitForURL(/\/worker\/apply\?/, { waitUntil: 'commit' });
  await slot.getByRole('button', { name: '上传' }).click();
  await back;
  await hydrated(page);
  // The one-time result leaves the address, so a reload does not repeat it.
  await expect(page).toHaveURL(/\/worker\/apply$/);
}

async function review(admin: Page, workerName: string, decision: string, note: string) {
  await open(admin, '/admin/workers');
  await admin.getByRole('link', { name: workerName }).click();
  await expect(admin).toHaveURL(/\/admin\/workers\/\d+$/);
  await hydrated(admin);
  if (note) await admin.getByPlaceholder('原因（驳回/暂停时必填）').fill(note);
  await admin.getByRole('button', { name: decision }).click();
}

test('a new worker goes from sign-up through review, a paid order and a payout', async ({ browser }) => {
  test.setTimeout(180_000);
  const name = `周阿姨${Math.floor(Math.random() * 900 + 100)}`;
  const phone = freshPhone('136');

  // 1. Sign up, fill in the profile and upload documents.
  const worker = await newContextPage(browser);
  await open(worker, '/worker/register');
  await worker.getByLabel('真实姓名').fill(name);
  await worker.getByLabel('手机号').fill(phone);
  await worker.getByLabel('密码').fill('worker-pass-1');
  await worker.getByRole('button', { name: '提交申请' }).click();
  await expect(worker).toHaveURL(/\/worker$/);
  await worker.getByRole('link', { name: '完善资料与认证' }).click();
  await expect(worker).toHaveURL(/\/worker\/apply$/);
  await hydrated(worker);
  await worker.getByLabel('年龄').fill('12');
  await worker.getByRole('button', { name: '保存资料' }).click();
  await expect(worker.getByText('请选择性别')).toBeVisible();
  await worker.getByLabel('女').check();
  await worker.getByRole('button', { name: '保存资料' }).click();
  await expect(worker.getByText('年龄需在16-80岁之间')).toBeVisible();
  await worker.getByLabel('年龄').fill('45');
  await worker.getByLabel('从业年限').fill('8');
  await worker.getByLabel('个人介绍').fill('擅长厨房深度清洁和收纳整理');
  await worker.getByRole('button', { name: '保存资料' }).click();
  await expect(worker.getByRole('status')).toHaveText('已保存');

  await upload(worker, 'id_card', files.fakeJpg);
  await expect(worker.locator('.doc-slot[data-doc="id_card"] .field-error')).toContainText('只能上传 JPG、PNG 或 WebP 图片');
  await expect(worker.locator('.doc-slot[data-doc="id_card"] img')).toHaveCount(0);
  // A phone photo over 5 MB is refused beside its field as soon as it is chosen, before anything is sent …
  const tooLarge = path.join(os.tmpdir(), 'daojia-too-large.jpg');
  fs.writeFileSync(tooLarge, Buffer.alloc(7 * 1024 * 1024));
  const photoInput = worker.locator('.doc-slot[data-doc="photo"] input[type=file]');
  await photoInput.setInputFiles(tooLarge);
  await expect(worker.locator('.doc-slot[data-doc="photo"] .image-too-large')).toHaveText('图片不能超过 5MB');
  await expect(photoInput).toHaveValue('');
  // … and posted before the page's script runs, it comes back to the field with the reason, not a bare error page.
  const plain = await worker.context().newPage();
  await plain.route('**/*.wasm', (route) => route.abort());
  await plain.goto('/worker/apply');
  const plainSlot = plain.locator('.doc-slot[data-doc="photo"]');
  await plainSlot.locator('input[type=file]').setInputFiles(tooLarge);
  await plainSlot.getByRole('button', { name: '上传' }).click();
  await expect(plain).toHaveURL(/\/worker\/apply\?kind=photo&upload_error=too_large/);
  await expect(plainSlot.locator('.field-error')).toHaveText('图片不能超过 5MB');
  await expect(plainSlot.locator('img')).toHaveCount(0);
  await plain.close();
  fs.unlinkSync(tooLarge);
  await upload(worker, 'photo', files.png);
  await expect(worker.locator('.doc-slot[data-doc="photo"] img')).toHaveCount(1);
  await upload(worker, 'id_card', files.png);
  // A 健康证 states until when it is valid; one already past is refused.
  const health = worker.locator('.doc-slot[data-doc="health"]');
  await health.getByLabel('有效期至').fill(beijingDate(-1));
  await upload(worker, 'health', files.png);
  await expect(health.locator('.field-error')).toHaveText('这张证书已过期，请上传有效期内的证书');
  await health.getByLabel('有效期至').fill(beijingDate(365));
  await upload(worker, 'health', files.png);
  await expect(health.locator('figcaption')).toHaveText(`有效期至 ${beijingDate(365)}`);
  await expect(worker.locator('.doc-slot img')).toHaveCount(3);
  await expect(worker.getByText('还缺：')).toHaveCount(0);
  // A qualification certificate names the service it is for.
  await upload(worker, 'qualification', files.png);
  await expect(worker.locator('.doc-slot[data-doc="qualification"] .field-error')).toHaveText('请选择这张证书对应的服务类别');
  await worker.locator('.doc-slot[data-doc="qualification"]').getByLabel('证书对应的服务').selectOption({ label: '深度保洁' });
  await upload(worker, 'qualification', files.png);
  await expect(worker.locator('.doc-slot[data-doc="qualification"] figcaption')).toHaveText('证书对应的服务：深度保洁');
  await snap(worker, 'journey-01-apply-390x844');

  // The document is private: another signed-in worker cannot fetch it.
  const docUrl = await worker.locator('.doc-slot[data-doc="id_card"] img').getAttribute('src');
  const other = await newContextPage(browser);
  await login(other, DEMO.approvedWorker.phone, DEMO.approvedWorker.password);
  await expect(other).toHaveURL(/\/worker$/);
  expect((await other.request.get(docUrl!)).status()).toBe(404);
  const own = await worker.request.get(docUrl!);
  expect(own.status()).toBe(200);
  expect(own.headers()['content-type']).toBe('image/png');
  expect(own.headers()['x-content-type-options']).toBe('nosniff');

  // 2. The admin rejects with a reason; the worker sees it and resubmits.
  const admin = await newContextPage(browser, DESKTOP);
  await login(admin, DEMO.admin.phone, DEMO.admin.password);
  await expect(admin).toHaveURL(/\/admin$/);
  await review(admin, name, '驳回', '');
  await expect(admin.getByText('请填写原因，服务者会看到它')).toBeVisible();
  await admin.getByPlaceholder('原因（驳回/暂停时必填）').fill('健康证照片不清晰，请重新上传');
  await admin.getByRole('button', { name: '驳回' }).click();
  await expect(admin.locator('.application')).toHaveAttribute('data-status', 'rejected');
  await expect(admin.locator('.doc-figure img')).toHaveCount(4);
  await expect(admin.locator('.doc-figure[data-doc="qualification"] figcaption')).toContainText('证书对应的服务：深度保洁');
  await snap(admin, 'journey-02-admin-application-1440x900');

  await open(worker, '/worker/apply');
  await expect(worker.locator('.status-badge')).toHaveText('未通过');
  await expect(worker.getByText('健康证照片不清晰，请重新上传')).toBeVisible();
  // This 健康证 lapses in 20 days, so the workbench will ask for a renewal.
  await worker.locator('.doc-slot[data-doc="health"]').getByLabel('有效期至').fill(beijingDate(20));
  await upload(worker, 'health', files.png);
  await worker.getByRole('button', { name: '重新提交审核' }).click();
  await expect(worker.locator('.status-badge')).toHaveText('待审核');
  await snap(worker, 'journey-03-resubmitted-390x844');

  await review(admin, name, '通过', '');
  await expect(admin.locator('.application')).toHaveAttribute('data-status', 'approved');

  // An approved worker files a certificate for another service: it waits for
  // the admin, who sees it flagged on the list and accepts it.
  await open(worker, '/worker/apply');
  await worker.locator('.doc-slot[data-doc="qualification"]').getByLabel('证书对应的服务').selectOption({ label: '育儿嫂服务' });
  await upload(worker, 'qualification', files.png);
  await expect(worker.locator('.doc-slot[data-doc="qualification"] .doc-review')).toHaveText('审核中，通过后才会收到该类订单');
  await snap(worker, 'journey-03b-certificate-pending-390x844');
  await open(admin, '/admin');
  const pendingTile = admin.locator('[data-stat="StatCertificatesPending"]');
  await expect(pendingTile.locator('.stat-value')).not.toHaveText('0');
  await pendingTile.click();
  await expect(admin).toHaveURL(/\/admin\/workers\?attention=certificates$/);
  await expect(admin.locator('tr', { hasText: name }).locator('[data-certificates]')).toHaveText('1份证书待审');
  await admin.getByRole('link', { name }).click();
  await hydrated(admin);
  const pendingCertificate = admin.locator('.doc-figure[data-pending="true"]');
  await expect(pendingCertificate).toContainText('证书对应的服务：育儿嫂服务');
  await snap(admin, 'journey-03c-certificate-review-1440x900');
  await pendingCertificate.getByRole('button', { name: '不予认可' }).click();
  await expect(admin.getByText('请填写原因，服务者会看到它')).toBeVisible();
  await pendingCertificate.getByRole('button', { name: '认可证书' }).click();
  await expect(admin.locator('.doc-figure[data-pending="true"]')).toHaveCount(0);
  await open(worker, '/worker/apply');
  await expect(worker.locator('.doc-slot[data-doc="qualification"] .doc-review')).toHaveCount(0);

  // The admin later learns the certificate is false and withdraws it, with a
  // reason the worker reads; it no longer counts.
  const accepted = admin.locator('.doc-figure[data-doc="qualification"]', { hasText: '育儿嫂服务' });
  await accepted.getByRole('button', { name: '撤销认可' }).click();
  await expect(admin.getByText('请填写原因，服务者会看到它')).toBeVisible();
  await accepted.getByPlaceholder('撤销原因（必填）').fill('证书编号查无此证');
  await accepted.getByRole('button', { name: '撤销认可' }).click();
  await expect(accepted.locator('.doc-review')).toHaveText('已撤销认可：证书编号查无此证');
  await expect(accepted.getByRole('button', { name: '撤销认可' })).toHaveCount(0);
  await snap(admin, 'journey-03d-certificate-withdrawn-1440x900');
  await open(worker, '/worker/apply');
  await expect(worker.locator('.doc-slot[data-doc="qualification"] .doc-review')).toHaveText('已撤销认可：证书编号查无此证');

  // Her 健康证 lapses in 20 days: the dashboard counts her and its tile lists
  // just the workers whose 健康证 lapses within 30 days.
  await open(admin, '/admin');
  const lapsingTile = admin.locator('[data-stat="StatHealthLapsing"]');
  await expect(lapsingTile.locator('.stat-label')).toHaveText('健康证30天内到期');
  await expect(lapsingTile.locator('.stat-value')).not.toHaveText('0');
  await lapsingTile.click();
  await expect(admin).toHaveURL(/\/admin\/workers\?attention=health$/);
  await expect(admin.locator('.filter-chips .chip.active')).toHaveText('健康证30天内到期');
  await expect(admin.locator('tr', { hasText: name }).locator('[data-health="lapsing"]')).toHaveText(`健康证 ${beijingDate(20)} 到期`);
  await expect(admin.locator('tbody tr [data-health]')).toHaveCount(await admin.locator('tbody tr').count());
  await snap(admin, 'journey-03f-health-lapsing-1440x900');

  // 3. Hours and area: around the spot, every day 08:00–20:00, daily cleaning.
  await open(worker, '/worker/settings');
  await worker.locator('label.choice', { hasText: '日常保洁' }).locator('input').check();
  await worker.getByRole('button', { name: '定位' }).click();
  await expect(worker.getByLabel('纬度')).toHaveValue(SPOT.latitude.toFixed(6));
  await worker.getByLabel('服务半径（公里）').fill('10');
  for (const day of ['周一', '周二', '周三', '周四', '周五', '周六', '周日']) {
    await worker.locator('label.choice', { hasText: day }).locator('input').check();
  }
  await worker.getByLabel('开始').fill('08:00');
  await worker.getByLabel('结束').fill('20:00');
  await worker.getByRole('button', { name: '保存' }).click();
  await expect(worker.getByRole('status')).toHaveText('已保存');

  // 4. A customer nearby books and pays; the offer reaches this worker.
  await open(worker, '/worker');
  await expect(worker.locator('.health-notice')).toContainText(`健康证即将到期，有效期至 ${beijingDate(20)}`);
  await snap(worker, 'journey-03e-health-notice-390x844');
  const customer = await newContextPage(browser);
  await login(customer, DEMO.customer.phone, DEMO.customer.password);
  await expect(customer).not.toHaveURL(/\/login/);
  await open(customer, '/');
  await customer.locator('.service-list').getByText('日常保洁 · 2小时').click();
  await hydrated(customer);
  await customer.getByRole('link', { name: '立即预约' }).click();
  await expect(customer).toHaveURL(/\/book\/\d+/);
  await hydrated(customer);
  await fillBooking(customer, '松江区新城1号', SPOT.latitude, '14:00');
  // At least 40 km out: the distance fee is at its demo cap of ¥30.
  await expect(customer.locator('.quote [data-kind="distance"] .num')).toHaveText('¥30.00');
  await expect(customer.locator('.submit-bar .price')).toHaveText('¥120.00');
  await customer.getByRole('button', { name: '提交订单' }).click();
  await expect(customer).toHaveURL(/\/pay\/\d+/);
  await hydrated(customer);
  await customer.getByRole('button', { name: '确认支付' }).click();
  await expect(customer).toHaveURL(/\/orders\/\d+/);

  const offer = worker.locator('.offer-card', { hasText: '日常保洁 · 2小时' });
  await expect(offer).toBeVisible();
  await expect(offer).toContainText('¥96.00');
  await offer.getByRole('button', { name: '接单' }).click();
  const job = worker.locator('.order-list .order-card').first();
  for (const [button, state] of [['出发', '已出发'], ['到达', '已到达'], ['开始服务', '服务中'], ['完成服务', '已完成']]) {
    if (button === '完成服务') await tickChecklist(job);
    await job.getByRole('button', { name: button }).click();
    await expect(customer.locator('.order-status .state-badge')).toHaveText(new RegExp(state));
  }

  // 5. The earning: ¥120 paid, ¥24 commission, ¥96 to the worker.
  await worker.getByRole('link', { name: '收入' }).click();
  await expect(worker).toHaveURL(/\/worker\/earnings$/);
  await hydrated(worker);
  await expect(worker.locator('.balance-value')).toHaveText('¥96.00');
  const line = worker.locator('.ledger-line').first();
  await expect(line).toContainText('日常保洁 · 2小时');
  await expect(line).toContainText('订单金额 ¥120.00 · 佣金 ¥24.00');
  await expect(line.locator('.ledger-amount')).toHaveText('+¥96.00');
  await expectAccessible(worker);
  await snap(worker, 'journey-04-earnings-390x844');
  // Another period replaces the figures without blanking the page in between.
  await watchForSkeleton(worker);
  await worker.getByRole('link', { name: '本周' }).click();
  await expect(worker).toHaveURL(/period=week/);
  await expect(worker.locator('.segment.active')).toHaveText('本周');
  await expect(line.locator('.ledger-amount')).toHaveText('+¥96.00');
  expect(await skeletonAppeared(worker)).toBe(false);
  await worker.getByRole('link', { name: '本月' }).click();
  await expect(worker).toHaveURL(/period=month/);

  // 6. Withdraw: add a bank card, refuse an overdraft, request ¥50.
  await worker.getByRole('link', { name: '去提现' }).click();
  await expect(worker).toHaveURL(/\/worker\/withdraw$/);
  await hydrated(worker);
  await expect(worker.getByText('请先添加收款账户')).toBeVisible();
  await worker.locator('summary', { hasText: '添加收款账户' }).click();
  await worker.getByLabel('户名').fill(name);
  await worker.getByLabel('账号').fill('6222 0212 3456 789');
  await worker.getByLabel('开户银行').fill('工商银行');
  await worker.getByRole('button', { name: '保存账户' }).click();
  await expect(worker.locator('.choice-row')).toContainText('**** **** **** 6789');
  await expect(worker.getByText('6222 0212')).toHaveCount(0);
  const amount = worker.getByLabel('提现金额（元）');
  await amount.fill('100');
  await worker.getByRole('button', { name: '申请提现' }).click();
  await expect(worker.locator('#f-amount-error')).toHaveText('可提现余额不足');
  await expect(amount, 'a refused amount stays to be corrected').toHaveValue('100');
  await amount.fill('50');
  await worker.getByRole('button', { name: '申请提现' }).click();
  await expect(worker.locator('[data-held]')).toHaveText('¥50.00');
  await expect(amount, 'a requested amount is not left to be sent twice').toHaveValue('');
  await expect(worker.locator('.balance-value')).toHaveText('¥46.00');
  await expect(worker.locator('[data-withdrawal] .status-badge')).toHaveText('审核中');
  await snap(worker, 'journey-05-withdraw-390x844');

  // 7. The admin pays it out; the worker sees it paid and nothing held.
  await open(admin, '/admin/finance');
  await expect(admin.locator('[data-audit="ok"]')).toBeVisible();
  const row = admin.locator('tr[data-withdrawal]', { hasText: name });
  await expect(row).toContainText('¥50.00');
  await expect(row).toContainText('622202123456789');
  // 资金总览: paying out moves the ¥50 from what workers are owed to what was paid out.
  const books = (key: string) => async () => Number((await admin.locator(`[data-books="${key}"] .stat-value`).innerText()).replace(/[¥,]/g, ''));
  const [owedBefore, paidBefore] = [await books('owed_to_workers')(), await books('paid_out')()];
  await snap(admin, 'journey-06-finance-1440x900');
  await row.getByRole('button', { name: '已打款' }).click();
  await expect(admin.getByText('请填写打款流水号（64字以内）')).toBeVisible();
  await row.getByPlaceholder('打款流水号').fill('ICBC20261125001');
  await row.getByRole('button', { name: '已打款' }).click();
  await expect(admin.locator('tr[data-withdrawal]', { hasText: name })).toHaveCount(0);
  await expect(admin.locator('[data-audit="ok"]')).toBeVisible();
  await expect.poll(books('paid_out')).toBeCloseTo(paidBefore + 50, 2);
  await expect.poll(books('owed_to_workers')).toBeCloseTo(owedBefore - 50, 2);
  await admin.getByRole('link', { name: '全部', exact: true }).click();
  await expect(admin.locator('tr[data-withdrawal]', { hasText: name })).toContainText('ICBC20261125001');

  await open(worker, '/worker/withdraw');
  await expect(worker.locator('[data-withdrawal] .status-badge')).toHaveText('已打款');
  await expect(worker.locator('[data-held]')).toHaveText('¥0.00');
  await expect(worker.getByText('ICBC20261125001')).toBeVisible();
  await snap(worker, 'journey-07-paid-390x844');
});
