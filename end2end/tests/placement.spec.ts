import { test, expect, Page } from '@playwright/test';
import { DEMO, DESKTOP, open, signedIn, snap, hydrated, expectAccessible } from './helpers';
/** A family from the demo history, with a request of their own. */
const NEIGHBOUR = { phone: '13800000011', password: 'daojia123', name: '陈先生' };

/** `YYYY-MM-DD` in Beijing, `days` from today. */
function beijingDay(days: number): string {
  return new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/** The customer's own card for their newest request. */
function newestRequest(customer: Page) {
  return customer.locator('[data-placement]').first();
}

test('a family asks for a 月嫂, meets the nanny staff shortlist and chooses her', async ({ browser }) => {
  const customer = await signedIn(browser, DEMO.customer);
  const admin = await signedIn(browser, DEMO.admin, DESKTOP);
  const zhao = await signedIn(browser, DEMO.secondWorker);

  // From the service page of a nanny service, not a cleaning one.
  await open(customer, '/');
  await customer.locator('.category-grid').getByText('月嫂服务').click();
  await customer.getByText('金牌月嫂 · 26天').click();
  await hydrated(customer);
  await expect(customer.locator('.placement-entry')).toContainText('先面试再选阿姨');
  await customer.getByRole('link', { name: '申请匹配阿姨' }).click();
  await expect(customer).toHaveURL(/\/me\/placements\?service=\d+/);
  const serviceId = new URL(customer.url()).searchParams.get('service') ?? '';
  await hydrated(customer);

  // A start day in the past is named beside its field, then a good request goes in.
  const form = customer.locator('.placement-request');
  await form.getByLabel('预计上户日期').fill(beijingDay(0));
  await form.getByLabel('需求说明').fill('预产期下月中旬，需要会做月子餐');
  await form.getByRole('button', { name: '提交需求' }).click();
  await expect(form.locator('.field-error').first()).toHaveText('上户日期最早是明天');
  await form.getByLabel('预计上户日期').fill(beijingDay(20));
  await form.getByRole('button', { name: '提交需求' }).click();
  await expect(form).toContainText('客服正在为你挑选阿姨');
  const request = newestRequest(customer);
  await expect(request.locator('[data-placement-status]')).toHaveText('待推荐');
  const placementId = await request.getAttribute('data-placement');

  // Staff see it arrive and shortlist 赵阿姨.
  await open(admin, '/admin/placements?filter=open');
  const panel = admin.locator(`[data-placement="${placementId}"]`);
  await expect(panel).toContainText('预产期下月中旬');
  await panel.getByLabel('持证阿姨').selectOption({ label: DEMO.secondWorker.name });
  await panel.getByRole('button', { name: '推荐给客户' }).click();
  await expect(panel.locator('[data-candidate]')).toContainText(DEMO.secondWorker.name);
  await snap(admin, 'placement-admin-desktop');
  await expectAccessible(admin);

  // The family sees her arrive live and invites her; an evening time is refused beside the field.
  const candidate = request.locator('[data-candidate]');
  await expect(candidate).toContainText(DEMO.secondWorker.name);
  await expect(request.locator('[data-placement-status]')).toHaveText('待约面试');
  await candidate.getByLabel('面试时间').fill(`${beijingDay(1)}T21:00`);
  await candidate.getByRole('button', { name: '约面试' }).click();
  await expect(candidate.locator('.field-error')).toHaveText('面试时间要在9:00到19:00之间');
  await candidate.getByLabel('面试时间').fill(`${beijingDay(1)}T10:00`);
  await candidate.getByRole('button', { name: '约面试' }).click();
  await expect(candidate.locator('[data-candidate-status]')).toHaveText('待阿姨确认面试');
  await expect(candidate.locator('[data-interview-at]')).toContainText('10:00');
  await snap(customer, 'placement-customer-phone');
  await expectAccessible(customer);

  // She accepts the interview from her phone.
  await open(zhao, '/worker/interviews');
  const invitation = zhao.locator(`[data-placement="${placementId}"]`);
  await expect(invitation).toContainText('张女士');
  await expect(invitation).not.toContainText(DEMO.customer.phone);
  await snap(zhao, 'placement-interview-worker-phone');
  await invitation.getByRole('button', { name: '接受面试' }).click();
  await expect(invitation.locator('[data-candidate-status]')).toHaveText('面试已确认');

  // Having met her, the family chooses her.
  await expect(candidate.locator('[data-candidate-status]')).toHaveText('面试已确认');
  await candidate.getByRole('button', { name: '选定她' }).click();
  await expect(request.locator('[data-placement-status]')).toHaveText('已选定');
  // Settled, it leaves staff's 进行中 list for 全部, where the contract is drawn up.
  await expect(panel).toHaveCount(0);
  await admin.getByRole('link', { name: '全部' }).click();
  await expect(panel.locator('[data-placement-status]')).toHaveText('已选定');
  await expect(request).toContainText('客服正在拟定合同');
  await expect(request).toContainText('客服会和你及阿姨约好试工时间');

  // Staff arrange the paid trial day; a start before 7:00 is refused beside its field.
  const trialForm = panel.locator('.trial-form');
  await trialForm.getByLabel('试工时间').fill(`${beijingDay(2)}T06:00`);
  await trialForm.getByLabel('时长（小时）').fill('8');
  await trialForm.getByLabel('试工费（元）').fill('300');
  // Another family's request arrives live while staff type; what they typed stays.
  const neighbour = await signedIn(browser, NEIGHBOUR);
  const other = await neighbour.request.post('/api/request_placement', {
    form: { service_id: serviceId, start_day: beijingDay(30), needs: '双胞胎，需要两位阿姨轮班' },
  });
  expect(other.ok()).toBeTruthy();
  await expect(admin.locator('[data-placement]', { hasText: '双胞胎' })).toBeVisible();
  await expect(trialForm.getByLabel('试工时间')).toHaveValue(`${beijingDay(2)}T06:00`);
  await expect(trialForm.getByLabel('试工费（元）')).toHaveValue('300');
  await trialForm.getByRole('button', { name: '安排试工' }).click();
  await expect(trialForm.locator('.field-error').first()).toHaveText('试工要在7:00后开始、21:00前结束');
  await trialForm.getByLabel('试工时间').fill(`${beijingDay(2)}T09:00`);
  await trialForm.getByRole('button', { name: '安排试工' }).click();
  await expect(panel.locator('.trial-terms')).toContainText('¥300.00');

  // The family reads it live and pays for it at a saved address; it reaches her as an order for her alone.
  const home = await customer.request.post('/api/add_address', {
    form: { label: '家', contact_name: '张女士', contact_phone: DEMO.customer.phone, address_text: '黄浦区人民大道1号2栋301', lat: '31.2304', lng: '121.4737' },
  });
  expect(home.ok()).toBeTruthy();
  await customer.reload();
  await hydrated(customer);
  await expect(request.locator('.trial-terms')).toContainText('8小时');
  await expect(invitation.locator('.trial-terms')).toContainText('09:00');
  await snap(customer, 'placement-trial-phone');
  await request.getByRole('button', { name: '确认并支付试工费' }).click();
  await expect(customer).toHaveURL(/\/pay\/\d+/);
  await hydrated(customer);
  await expect(customer.locator('.pay-amount')).toHaveText('¥300.00');
  await customer.getByRole('button', { name: '确认支付' }).click();
  await expect(customer).toHaveURL(/\/orders\/\d+/);
  await expect(customer.locator('.order-status .state-badge')).toHaveText(/待接单|已接单/);
  await open(zhao, '/worker');
  const trialOffer = zhao.locator('.offer-card', { hasText: '试工 · 金牌月嫂 · 26天' });
  await expect(trialOffer).toBeVisible();
  await trialOffer.getByRole('button', { name: '接单' }).click();
  await expect(customer.locator('.order-status .state-badge')).toHaveText(/已接单/);
  await open(customer, '/me/placements');
  await expect(request.locator('.trial-terms')).toContainText('已接单');
  await open(zhao, '/worker/interviews');
  await admin.reload();
  // Staff fill the contract next: typing before hydration would be wiped by it.
  await hydrated(admin);
  await expect(panel.locator('.trial-terms')).toContainText('已接单');
  await expect(panel.locator('.trial-form')).toHaveCount(0);

  // Staff put the contract to both; the fee below the floor is refused beside its field.
  const contractForm = panel.locator('.contract-form');
  await contractForm.getByLabel('服务天数').fill('52');
  await contractForm.getByLabel('服务费（元）').fill('50');
  await contractForm.getByRole('button', { name: '发给双方签约' }).click();
  await expect(contractForm.locator('.field-error').nth(2)).toHaveText('服务费要在¥100到¥200,000之间');
  await contractForm.getByLabel('服务费（元）').fill('12800');
  await contractForm.getByLabel('约定事项').fill('每月休息4天');
  await contractForm.getByRole('button', { name: '发给双方签约' }).click();
  await expect(panel.locator('.contract-terms')).toContainText('¥12800.00');

  // Each signs from their own phone; the contract then stands for all three.
  await expect(request.locator('.contract-terms')).toContainText('52天');
  await expect(request.locator('.contract-payout')).toHaveText('每26天月结一期，共2期，末期完工时结清');
  await request.getByRole('button', { name: '确认签约' }).click();
  await expect(request.locator('.contract-terms')).toContainText('客户已签');
  await expect(invitation.locator('.contract-terms')).toContainText('每月休息4天');
  await invitation.getByRole('button', { name: '确认签约' }).click();
  await expect(invitation.locator('.contract-terms')).toContainText('双方已签约');
  await expect(request.locator('.contract-terms')).toContainText('双方已签约');
  await expect(panel.locator('.contract-terms')).toContainText('双方已签约');
  await expect(panel.locator('.contract-form')).toHaveCount(0);
  await snap(customer, 'placement-contract-phone');

  // Signed by both, the family pays the fee at the saved address; it reaches her as an order holding all 52 days.
  const payContract = request.locator('.contract-pay');
  await expect(payContract).toContainText('支付后订单发给阿姨确认');
  await payContract.getByRole('button', { name: '支付服务费 ¥12800.00' }).click();
  await expect(customer).toHaveURL(/\/pay\/\d+/);
  await hydrated(customer);
  await expect(customer.locator('.pay-amount')).toHaveText('¥12800.00');
  await customer.getByRole('button', { name: '确认支付' }).click();
  await expect(customer).toHaveURL(/\/orders\/\d+/);
  await expect(customer.locator('.order-status .state-badge')).toHaveText(/待接单|已接单/);
  await expect(customer.locator('.cell', { hasText: '服务时间' })).toContainText(`${beijingDay(20).slice(5)} 09:00–${beijingDay(71).slice(5)} 17:00`);
  await open(zhao, '/worker');
  const contractOffer = zhao.locator('.offer-card', { hasText: '服务合同 · 金牌月嫂 · 26天' });
  await expect(contractOffer).toBeVisible();
  await expect(contractOffer).toContainText(`${beijingDay(20).slice(5)} 09:00–${beijingDay(71).slice(5)} 17:00`);
  await snap(zhao, 'placement-contract-offer-worker-phone');
  await contractOffer.getByRole('button', { name: '接单' }).click();
  await open(customer, '/me/placements');
  await expect(request.locator('.contract-terms')).toContainText('已接单');
  await expect(request.locator('.contract-pay')).toHaveCount(0);
  await snap(customer, 'placement-contract-paid-phone');
  await admin.reload();
  await expect(panel.locator('.contract-terms')).toContainText('已接单');
  await expect(panel.getByRole('link', { name: '查看合同订单 ›' })).toBeVisible();
  await snap(admin, 'placement-contract-desktop');
  await open(zhao, '/worker/interviews');
  await expect(invitation.locator('.contract-terms')).toContainText('已接单');
  await admin.context().close();
  await zhao.context().close();
  await customer.context().close();
});
