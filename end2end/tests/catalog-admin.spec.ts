import { test, expect } from '@playwright/test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEMO, PHONE, DESKTOP, open, login, snap, hydrated, expectAccessible } from './helpers';

const PICTURE = path.join(__dirname, '..', 'fixtures', 'photo.png');
const CLIP = path.join(__dirname, '..', 'fixtures', 'clip.mp4');

test('an admin sets up a service with a picture and a customer finds it', async ({ browser }) => {
  const name = `厨房深度保洁${Math.floor(Math.random() * 9000 + 1000)}`;
  const adminContext = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const admin = await adminContext.newPage();
  await login(admin, DEMO.admin.phone, DEMO.admin.password);
  await expect(admin).toHaveURL(/\/admin$/);
  await admin.getByRole('link', { name: '服务管理' }).click();
  await expect(admin).toHaveURL(/\/admin\/catalog$/);
  await hydrated(admin);
  await admin.getByRole('link', { name: '新建服务' }).click();
  await expect(admin).toHaveURL(/\/admin\/catalog\/new$/);
  await hydrated(admin);

  await admin.getByLabel('分类').selectOption({ label: '深度保洁' });
  await admin.getByLabel('服务名称').fill(name);
  await admin.getByLabel('一句话介绍').fill('灶台油烟机橱柜全面除油');
  await admin.getByLabel('服务详情').fill('重油污厨房专项：灶台、油烟机表面、橱柜内外、墙面瓷砖。');
  await admin.getByLabel('服务流程（每行一步）').fill('上门查看\n分区除油\n顾客验收');
  await admin.getByLabel('计价单位').selectOption({ label: '次' });
  await admin.getByLabel('单价（元）').fill('1000000');
  await admin.getByLabel('默认数量').fill('1');
  await admin.getByRole('button', { name: '保存' }).click();
  await expect(admin.locator('#f-price-error')).toHaveText('单价不能超过 ¥100,000.00，请检查是否多输了0');
  await admin.getByLabel('单价（元）').fill('298');
  await admin.getByRole('button', { name: '保存' }).click();
  await expect(admin).toHaveURL(/\/admin\/catalog\/\d+$/);
  await hydrated(admin);

  await admin.locator('#f-service-image').setInputFiles(PICTURE);
  const back = admin.waitForURL(/uploaded=1/, { waitUntil: 'commit' });
  await admin.locator('.upload-form', { has: admin.locator('#f-service-image') }).getByRole('button', { name: '上传' }).click();
  await back;
  await hydrated(admin);
  await expect(admin.locator('.service-image img')).toHaveCount(1);
  await expect(admin).toHaveURL(/\/admin\/catalog\/\d+$/);
  // A short video (C3: 服务效果视频): a picture is refused as no video, the clip goes up.
  const videoInput = admin.getByLabel('服务视频', { exact: true });
  const videoUpload = admin.locator('.upload-form', { has: videoInput }).getByRole('button', { name: '上传' });
  // Over 50 MB it is refused as soon as it is chosen, before anything is sent.
  const tooLarge = path.join(os.tmpdir(), 'daojia-too-large.mp4');
  fs.writeFileSync(tooLarge, Buffer.alloc(50 * 1024 * 1024 + 1));
  await videoInput.setInputFiles(tooLarge);
  await expect(admin.getByText('视频不能超过 50MB，请剪短或降低画质后再传')).toBeVisible();
  await expect(videoInput).toHaveValue('');
  fs.unlinkSync(tooLarge);
  await videoInput.setInputFiles(PICTURE);
  await videoUpload.click();
  await expect(admin.getByText('请上传 MP4 或 MOV 格式的视频')).toBeVisible();
  await hydrated(admin);
  await videoInput.setInputFiles(CLIP);
  await videoUpload.click();
  await expect(admin.getByText('视频已上传')).toBeVisible();
  await hydrated(admin);
  await expect(admin.locator('.service-editor video')).toHaveCount(1);
  await expect(admin).toHaveURL(/\/admin\/catalog\/\d+#service-video$/);
  await admin.getByRole('button', { name: '上架' }).click();
  await expect(admin.locator('[data-listed="true"]')).toBeVisible();
  await snap(admin, 'catalog-01-admin-service-1440x900');
  await expectAccessible(admin);

  const customerContext = await browser.newContext({ viewport: PHONE, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const customer = await customerContext.newPage();
  await open(customer, '/');
  await customer.getByRole('link', { name: /深度保洁/ }).first().click();
  await hydrated(customer);
  const card = customer.locator('.service-card', { hasText: name });
  await expect(card.locator('.service-cover')).toBeVisible();
  await expect(card).toContainText('¥298.00');
  await card.click();
  await expect(customer).toHaveURL(/\/services\/\d+$/);
  await hydrated(customer);
  await expect(customer.locator('.gallery-image')).toHaveCount(1);
  await expect.poll(() => customer.locator('.service-video video').evaluate((v: HTMLVideoElement) => v.readyState >= 1 ? Math.round(v.duration) : -1)).toBe(2);
  await snap(customer, 'catalog-02-service-gallery-390x844');

  // Delisted: gone from browsing.
  await admin.getByRole('button', { name: '下架' }).click();
  await expect(admin.locator('[data-listed="false"]')).toBeVisible();
  await expectAccessible(admin);
  await open(customer, '/');
  await expect(customer.locator('.service-card', { hasText: name })).toHaveCount(0);
});

test('an admin creates and delists a category; customers stop seeing it', async ({ browser }) => {
  const suffix = Math.floor(Math.random() * 9000 + 1000);
  const adminContext = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const admin = await adminContext.newPage();
  await login(admin, DEMO.admin.phone, DEMO.admin.password);
  await expect(admin).toHaveURL(/\/admin$/);
  await open(admin, '/admin/catalog');
  const desk = admin.locator('.category-desk');
  await desk.getByLabel('代码（英文，创建后不可改）').fill('宠物');
  await desk.getByLabel('名称', { exact: true }).fill(`宠物${suffix}`);
  await desk.getByRole('button', { name: '创建分类' }).click();
  await expect(admin.locator('#cat-error')).toHaveText('分类代码须是2–30位小写字母、数字或下划线，并以字母开头，如 pet_care');
  await desk.getByLabel('代码（英文，创建后不可改）').fill(`pet_${suffix}`);
  await desk.getByRole('button', { name: '创建分类' }).click();
  await expect(desk.locator(`tr[data-category="pet_${suffix}"]`)).toBeVisible();

  // Delisting 家居保养 takes the category and its services off the home page.
  const homeCare = desk.locator('tr[data-category="home_care"]');
  await homeCare.getByRole('button', { name: '下架分类' }).click();
  await expect(homeCare).toContainText('已下架');
  await expectAccessible(admin);
  await snap(admin, 'catalog-03-categories-1440x900');
  const customerContext = await browser.newContext({ viewport: PHONE, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const customer = await customerContext.newPage();
  await open(customer, '/');
  await expect(customer.locator('.category', { hasText: '家居保养' })).toHaveCount(0);
  await expect(customer.locator('.service-card', { hasText: '实木地板打蜡' })).toHaveCount(0);

  await homeCare.getByRole('button', { name: '上架分类' }).click();
  await expect(homeCare).toContainText('已上架');
  await open(customer, '/');
  await expect(customer.locator('.category', { hasText: '家居保养' })).toHaveCount(1);

  // 月嫂 can require a qualification certificate on file (a dispatch hard rule).
  const nanny = desk.locator('tr[data-category="maternity_nanny"]');
  await nanny.getByRole('button', { name: '要求资格证书' }).click();
  await expect(nanny.locator('[data-certificate="required"]')).toHaveText('需该类资格证书');
  await snap(admin, 'catalog-04-certificate-1440x900');
  // A worker who takes 月嫂 orders but has no accepted 月嫂 certificate is told why none come.
  const workerContext = await browser.newContext({ viewport: PHONE, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const worker = await workerContext.newPage();
  await login(worker, DEMO.approvedWorker.phone, DEMO.approvedWorker.password);
  await expect(worker).toHaveURL(/\/worker$/);
  await open(worker, '/worker/settings');
  const needed = worker.locator('.certificate-needed');
  await expect(needed).toContainText('月嫂服务需要对应的资格证书');
  await snap(worker, 'catalog-05-worker-certificate-needed-390x844');
  await worker.locator('label.choice', { hasText: '月嫂服务' }).locator('input').uncheck();
  await expect(needed).toHaveCount(0);
  await workerContext.close();
  await nanny.getByRole('button', { name: '取消证书要求' }).click();
  await expect(nanny.locator('[data-certificate]')).toHaveCount(0);
  await adminContext.close();
  await customerContext.close();
});
