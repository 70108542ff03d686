import { test, expect } from '@playwright/test';
import { DEMO, PHONE, DESKTOP, freshPhone, open, login, logout, register, snap, expectAccessible, fieldError, hydrated, textedCode, skeletonAppeared, watchForSkeleton } from './helpers';

test.use({ viewport: PHONE });

test('home lists the six categories and demo services from the database', async ({ page }) => {
  await open(page, '/');
  for (const name of ['日常保洁', '深度保洁', '家电清洗', '家居保养', '月嫂服务', '育儿嫂服务']) {
    await expect(page.locator('.category-name', { hasText: name })).toBeVisible();
  }
  // The list itself (热门服务 above it names the most booked ones again).
  const list = page.locator('.service-list');
  await expect(list.getByText('挂机空调清洗')).toBeVisible();
  await expect(list.getByText('¥89.00')).toBeVisible();
  await expectAccessible(page);
  await snap(page, 'customer-home-390x844');

  // The category filter lives in the URL.
  await page.locator('.category', { hasText: '家电清洗' }).click();
  await expect(page).toHaveURL(/category=\d+/);
  await expect(list.getByText('油烟机拆洗')).toBeVisible();
  await expect(list.getByText('新房开荒保洁')).toHaveCount(0);
  await snap(page, 'customer-home-filtered-390x844');

  await page.setViewportSize(DESKTOP);
  await open(page, '/');
  await snap(page, 'customer-home-1440x900');
});

test('a customer signs up, logs out and logs back in', async ({ page }) => {
  const phone = freshPhone('135');
  await open(page, '/register');
  await snap(page, 'customer-register-390x844');
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('密码').fill('my-secret-1');
  await page.getByLabel('昵称').fill('小林');
  await page.getByRole('button', { name: '注册' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator('.hello-name')).toHaveText('小林');

  await page.getByRole('link', { name: /我的/ }).click();
  await expect(page).toHaveURL(/\/me$/);
  await expect(page.locator('.profile-phone')).toHaveText(phone);
  await expectAccessible(page);
  await snap(page, 'customer-me-390x844');
  await logout(page);

  await login(page, phone, 'my-secret-1');
  await expect(page).toHaveURL(/\/$/);
  await open(page, '/me');
  await expect(page.locator('.profile-name')).toHaveText('小林');
});

test('a new customer signs in with a texted code, and a wrong code is refused beside the field', async ({ page }) => {
  const phone = freshPhone('136');
  await open(page, '/login');
  await page.getByRole('link', { name: '验证码登录' }).click();
  await expect(page).toHaveURL(/\/login\/code$/);
  await page.getByLabel('手机号').fill(phone);
  await page.getByRole('button', { name: '获取验证码' }).click();
  await expect(page.getByText(`验证码已发送至${phone.slice(0, 3)}****${phone.slice(7)}，5分钟内有效`)).toBeVisible();
  // No second code for a minute: the button counts down.
  await expect(page.locator('.send-code')).toBeDisabled();
  await expect(page.locator('.send-code')).toHaveText(/^\d+秒后可重新获取$/);
  const code = await textedCode(phone);
  await page.getByLabel('验证码').fill(code === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(fieldError(page, 'code')).toHaveText('验证码不正确，请重新输入');
  await expect(page.locator('.send-code')).not.toHaveText('60秒后可重新获取');
  await expectAccessible(page);
  await snap(page, 'customer-code-login-390x844');
  await page.getByLabel('验证码').fill(code);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator('.hello-name')).toHaveText(`用户${phone.slice(7)}`);
});

test('a customer who forgot the password sets a new one with a texted code', async ({ page }) => {
  const phone = freshPhone('137');
  await register(page, phone, 'first-secret-1');
  await open(page, '/me');
  await logout(page);

  await open(page, '/login');
  await page.getByRole('link', { name: '忘记密码' }).click();
  await expect(page).toHaveURL(/\/login\/reset$/);
  await page.getByLabel('手机号').fill(phone);
  await page.getByRole('button', { name: '获取验证码' }).click();
  await page.getByLabel('验证码').fill(await textedCode(phone));
  await page.getByLabel('新密码').fill('short');
  await page.getByRole('button', { name: '重设密码并登录' }).click();
  await expect(fieldError(page, 'new_password')).toHaveText('密码至少需要8位');
  await expectAccessible(page);
  await snap(page, 'customer-reset-password-390x844');
  await page.getByLabel('新密码').fill('second-secret-2');
  await page.getByRole('button', { name: '重设密码并登录' }).click();
  await expect(page).toHaveURL(/\/$/);
  await open(page, '/me');
  await logout(page);
  await login(page, phone, 'second-secret-2');
  await expect(page).toHaveURL(/\/$/);
});

test('the customer can rename themselves and a bad name is refused in place', async ({ page }) => {
  await login(page, DEMO.customer.phone, DEMO.customer.password);
  await expect(page).toHaveURL(/\/$/);
  await open(page, '/me');
  // Saving reloads the profile without blanking the page to a skeleton in between.
  await watchForSkeleton(page);
  const nickname = page.getByLabel('昵称');
  await nickname.fill('   ');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(fieldError(page, 'nickname')).toHaveText('请填写姓名');
  await nickname.fill('张女士');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('status')).toHaveText('已保存');
  await expect(page.locator('.profile-name')).toHaveText('张女士');
  expect(await skeletonAppeared(page)).toBe(false);
});

test('bad sign-up and login input gets a specific message next to the field', async ({ page }) => {
  await open(page, '/register');
  await page.getByLabel('手机号').fill('12345');
  await page.getByLabel('密码').fill('my-secret-1');
  await page.getByRole('button', { name: '注册' }).click();
  await expect(fieldError(page, 'phone')).toHaveText('请输入正确的11位手机号');

  await page.getByLabel('手机号').fill(freshPhone('136'));
  await page.getByLabel('密码').fill('short');
  await page.getByRole('button', { name: '注册' }).click();
  await expect(fieldError(page, 'password')).toHaveText('密码至少需要8位');
  await expect(fieldError(page, 'phone')).toHaveText('');

  await page.getByLabel('手机号').fill(DEMO.customer.phone);
  await page.getByLabel('密码').fill('my-secret-1');
  await page.getByRole('button', { name: '注册' }).click();
  await expect(fieldError(page, 'phone')).toHaveText('该手机号已注册，请直接登录');
  await snap(page, 'customer-register-errors-390x844');

  await login(page, DEMO.customer.phone, 'wrong-password');
  await expect(fieldError(page, 'password')).toHaveText('手机号或密码错误');
  await login(page, '13811112222', 'wrong-password');
  await expect(fieldError(page, 'password')).toHaveText('手机号或密码错误');
  await snap(page, 'login-error-390x844');
  await expect(page).toHaveURL(/\/login/);
});

test('an anonymous visitor to 我的 is sent to login and comes back after', async ({ page }) => {
  await page.goto('/me');
  await expect(page).toHaveURL(/\/login\?next=\/me/);
  await hydrated(page);
  await page.getByLabel('手机号').fill(DEMO.customer.phone);
  await page.getByLabel('密码').fill(DEMO.customer.password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/me$/);
  await expect(page.locator('.profile-phone')).toHaveText(DEMO.customer.phone);
});

test('an expired session asks the customer to log in again', async ({ page, context }) => {
  const base = new URL(test.info().project.use.baseURL!);
  await context.addCookies([{ name: 'dj_sid', value: 'expired-or-forged', domain: base.hostname, path: '/' }]);
  await page.goto('/me');
  await expect(page).toHaveURL(/expired=1/);
  await expect(page.getByText('登录已过期，请重新登录')).toBeVisible();
});

test('a customer favorites a service, finds it under 我的收藏, and home recommends with a reason', async ({ page }) => {
  await login(page, DEMO.customer.phone, DEMO.customer.password);
  await expect(page).toHaveURL(/\/$/);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: '为你推荐' })).toBeVisible();
  await page.getByText('真皮沙发护理').first().click();
  await expect(page).toHaveURL(/\/services\/\d+$/);
  await hydrated(page);
  await page.getByRole('button', { name: '☆ 收藏' }).click();
  await expect(page.getByRole('button', { name: '★ 已收藏' })).toBeVisible();
  await open(page, '/me');
  await page.getByRole('link', { name: '我的收藏' }).click();
  await expect(page).toHaveURL(/\/me\/favorites$/);
  await hydrated(page);
  await expect(page.locator('.favorite-card', { hasText: '真皮沙发护理' })).toBeVisible();
  await expectAccessible(page);
  await snap(page, 'customer-favorites-390x844');
  await open(page, '/');
  await expect(page.locator('.recommendation', { hasText: '因为你收藏了 真皮沙发护理' })).toBeVisible();
  await snap(page, 'customer-home-recommendations-390x844');
  await open(page, '/me/favorites');
  await page.locator('.favorite-card', { hasText: '真皮沙发护理' }).getByRole('button', { name: '取消收藏' }).click();
  await expect(page.getByText('还没有收藏的服务，在服务详情页点“收藏”即可')).toBeVisible();
});

test('a customer keeps an address book, edits an entry, and booking preselects the default and switches with one tap', async ({ browser }) => {
  const n = Math.floor(Math.random() * 9000 + 1000);
  const street = `静安区南京西路${n}号`;
  const moved = `静安区北京西路${n}号`;
  const label = `公司${n}`;
  const context = await browser.newContext({ viewport: PHONE, geolocation: { latitude: 31.229, longitude: 121.448 }, permissions: ['geolocation'] });
  const page = await context.newPage();
  await login(page, DEMO.customer.phone, DEMO.customer.password);
  await expect(page).toHaveURL(/\/$/);
  await open(page, '/me');
  await page.getByRole('link', { name: '地址簿' }).click();
  await expect(page).toHaveURL(/\/me\/addresses$/);
  await hydrated(page);
  await page.getByLabel('标签（如 家、公司）').fill(label);
  await page.getByLabel('联系人').fill('张女士');
  await page.getByLabel('联系电话').fill('1380000');
  await page.getByLabel('详细地址').fill(street);
  await page.getByRole('button', { name: '定位' }).click();
  await expect(page.getByLabel('纬度')).toHaveValue('31.229000');
  await page.getByLabel('设为默认地址').check();
  await page.getByRole('button', { name: '保存地址' }).click();
  await expect(page.getByText('请输入正确的11位手机号')).toBeVisible();
  await page.getByLabel('联系电话').fill(DEMO.customer.phone);
  await page.getByRole('button', { name: '保存地址' }).click();
  const added = page.locator('.address-card', { hasText: street });
  await expect(added).toContainText('默认');
  await expectAccessible(page);
  await snap(page, 'customer-addresses-390x844');

  // Correct the saved address in place: checked like a new one, and the card shows the edit.
  const card = page.locator(`.address-card[data-address="${await added.getAttribute('data-address')}"]`);
  await card.getByRole('button', { name: '编辑' }).click();
  await expect(card.getByLabel('详细地址')).toHaveValue(street);
  await card.getByLabel('详细地址').fill(moved);
  await card.getByLabel('联系电话').fill('1380');
  await card.getByRole('button', { name: '保存修改' }).click();
  await expect(card.getByText('请输入正确的11位手机号')).toBeVisible();
  await expectAccessible(page);
  await snap(page, 'customer-address-edit-390x844');
  await card.getByLabel('联系电话').fill(DEMO.customer.phone);
  await card.getByRole('button', { name: '保存修改' }).click();
  await expect(card.getByRole('button', { name: '保存修改' })).toHaveCount(0);
  await expect(card).toContainText(moved);
  await expect(card).toContainText('默认');

  await open(page, '/');
  await page.locator('.service-list').getByText('日常保洁 · 2小时').click();
  await hydrated(page);
  await page.getByRole('link', { name: '立即预约' }).click();
  await expect(page).toHaveURL(/\/book\/\d+/);
  await hydrated(page);
  await expect(page.getByLabel('详细地址')).toHaveValue(moved);
  const saved = page.getByRole('group', { name: '选择已保存的地址' });
  await expect(saved.getByRole('button', { name: label })).toHaveAttribute('aria-pressed', 'true');
  // Typing another place un-picks it; one tap brings the saved one back, pin included.
  await page.getByLabel('详细地址').fill('黄浦区人民大道1号');
  await page.getByLabel('纬度').fill('31.230400');
  await expect(saved.getByRole('button', { name: label })).toHaveAttribute('aria-pressed', 'false');
  await saved.getByRole('button', { name: label }).click();
  await expect(page.getByLabel('详细地址')).toHaveValue(moved);
  await expect(page.getByLabel('纬度')).toHaveValue('31.229000');
  await expect(saved.getByRole('button', { name: label })).toHaveAttribute('aria-pressed', 'true');
  await snap(page, 'customer-book-saved-addresses-390x844');
  await context.close();
});

test('a customer chooses reminder channels and the choice sticks', async ({ page }) => {
  await login(page, DEMO.customer.phone, DEMO.customer.password);
  await expect(page).not.toHaveURL(/\/login/);
  await open(page, '/me');
  await page.getByRole('link', { name: '消息与提醒' }).click();
  await expect(page).toHaveURL(/\/me\/reminders$/);
  await hydrated(page);
  await expect(page.getByLabel('短信提醒')).toBeChecked();
  await page.getByLabel('短信提醒').uncheck();
  await page.getByRole('button', { name: '保存提醒设置' }).click();
  await expect(page.getByRole('status')).toHaveText('已保存');
  await open(page, '/me/reminders');
  await expect(page.getByLabel('短信提醒')).not.toBeChecked();
  await expect(page.getByLabel('站内消息')).toBeChecked();
  await snap(page, 'customer-reminders-390x844');
  await expectAccessible(page);
  await page.getByLabel('短信提醒').check();
  await page.getByRole('button', { name: '保存提醒设置' }).click();
  await expect(page.getByRole('status')).toHaveText('已保存');
});
