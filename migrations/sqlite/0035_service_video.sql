-- A service's short video (C3: 服务效果视频), shown on its page above the
-- gallery. One per service; public like its pictures.
ALTER TABLE services ADD COLUMN video_key TEXT;
