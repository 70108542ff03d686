//! The tracking map (C7): the worker's track, where they are and the
//! service address (for admins also the kept track of a finished trip),
//! drawn as SVG in Web Mercator pixels, over map tiles when a tile URL is
//! configured and over a plain grid otherwise.

use crate::api::tracking::{order_track, TrackView};
use crate::api::format_beijing;
use crate::i18n::{t, tf, Msg};
use leptos::prelude::*;

const MAP_W: f64 = 360.0;
const MAP_H: f64 = 220.0;
/// Room kept around the outermost point so markers are not cut off.
const MARGIN: f64 = 28.0;
const TILE: f64 = 256.0;
const MAX_ZOOM: u8 = 17;
/// Within this the worker is as good as there (the ETA reads 马上到达).
const NEARBY_SECS: i64 = 60;

/// Web Mercator pixel position of a point at `zoom` (the tile scheme's).
pub fn project(lat: f64, lng: f64, zoom: u8) -> (f64, f64) {
    let scale = TILE * 2f64.powi(i32::from(zoom));
    let x = (lng + 180.0) / 360.0 * scale;
    let phi = lat.clamp(-85.0511, 85.0511).to_radians();
    let y = (1.0 - (phi.tan() + 1.0 / phi.cos()).ln() / std::f64::consts::PI) / 2.0 * scale;
    (x, y)
}

/// What a map shows: its zoom, the pixel position of its top-left corner
/// and its size in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub zoom: u8,
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
}

impl Viewport {
    /// The tracking map's view: the closest zoom at which every point fits, centred on them.
    pub fn fitting(points: &[(f64, f64)]) -> Self {
        Self::fitting_in(points, MAP_W, MAP_H)
    }

    /// The same for a map of `width` × `height` pixels.
    pub fn fitting_in(points: &[(f64, f64)], width: f64, height: f64) -> Self {
        let bounds = |zoom: u8| {
            let projected: Vec<(f64, f64)> = points.iter().map(|&(lat, lng)| project(lat, lng, zoom)).collect();
            let min = |f: fn(&(f64, f64)) -> f64| projected.iter().map(f).fold(f64::INFINITY, f64::min);
            let max = |f: fn(&(f64, f64)) -> f64| projected.iter().map(f).fold(f64::NEG_INFINITY, f64::max);
            (min(|p| p.0), min(|p| p.1), max(|p| p.0), max(|p| p.1))
        };
        let zoom = (1..=MAX_ZOOM)
            .rev()
            .find(|&z| {
                let (x0, y0, x1, y1) = bounds(z);
                x1 - x0 <= width - 2.0 * MARGIN && y1 - y0 <= height - 2.0 * MARGIN
            })
            .unwrap_or(1);
        let (x0, y0, x1, y1) = bounds(zoom);
        Viewport { zoom, left: (x0 + x1) / 2.0 - width / 2.0, top: (y0 + y1) / 2.0 - height / 2.0, width, height }
    }

    /// Where a point falls on the map.
    pub fn place(self, lat: f64, lng: f64) -> (f64, f64) {
        let (x, y) = project(lat, lng, self.zoom);
        (x - self.left, y - self.top)
    }

    /// The tiles under the map: (tile x, tile y, map x, map y).
    pub fn tiles(self) -> Vec<(i64, i64, f64, f64)> {
        let first = |v: f64| (v / TILE).floor() as i64;
        let (tx0, ty0) = (first(self.left), first(self.top));
        let (tx1, ty1) = (first(self.left + self.width), first(self.top + self.height));
        let span = 1i64 << self.zoom;
        (ty0..=ty1)
            .filter(|ty| (0..span).contains(ty))
            .flat_map(|ty| (tx0..=tx1).map(move |tx| (tx.rem_euclid(span), ty, tx as f64 * TILE - self.left, ty as f64 * TILE - self.top)))
            .collect()
    }

    /// The map's tiles from `url` (`…/{z}/{x}/{y}.png`), as SVG images.
    pub fn tile_images(self, url: &str) -> impl IntoView {
        self.tiles()
            .into_iter()
            .map(|(tx, ty, x, y)| {
                let href = url.replace("{z}", &self.zoom.to_string()).replace("{x}", &tx.to_string()).replace("{y}", &ty.to_string());
                view! { <image href=href x=x y=y width=TILE height=TILE/> }
            })
            .collect_view()
    }

    /// Grid lines every 40 pixels, drawn where no tiles are configured.
    pub fn grid(self) -> impl IntoView {
        let (w, h) = (self.width, self.height);
        let across = (1..).map(|k| f64::from(k) * 40.0).take_while(move |&v| v < w);
        let down = (1..).map(|k| f64::from(k) * 40.0).take_while(move |&v| v < h);
        view! {
            {across.map(|v| view! { <line class="track-grid" x1=v y1=0 x2=v y2=h/> }).collect_view()}
            {down.map(|v| view! { <line class="track-grid" x1=0 y1=v x2=w y2=v/> }).collect_view()}
        }
    }
}

/// 服务者位置 on an order's page, refreshed on the page's `live` events as
/// positions arrive (one live stream per page, not one per part of it).
#[component]
pub fn TrackMap(#[prop(into)] order_id: Signal<i64>, live: ReadSignal<u32>) -> impl IntoView {
    let track = Resource::new(move || (order_id.get(), live.get()), |(order_id, _)| order_track(order_id));
    view! {
        <Transition fallback=|| ()>
            {move || track.get().and_then(Result::ok).filter(|v| v.sharing || !v.points.is_empty()).map(|view| view! { <TrackPanel view/> })}
        </Transition>
    }
}

#[component]
fn TrackPanel(view: TrackView) -> impl IntoView {
    let (dest_lat, dest_lng) = view.destination;
    let recorded = !view.sharing;
    let status = match (view.points.first(), view.points.last(), view.eta_secs) {
        (Some(first), Some(last), _) if recorded => {
            tf(Msg::TrackRecorded, &[&format_beijing(first.at), &format_beijing(last.at), &view.points.len(), &booking::POSITION_RETENTION_DAYS])
        }
        (_, None, _) => t(Msg::TrackWaiting).to_string(),
        (_, Some(_), Some(eta)) if eta <= NEARBY_SECS => t(Msg::TrackNearby).to_string(),
        (_, Some(_), Some(eta)) => tf(Msg::TrackEta, &[&((eta + 59) / 60)]),
        (_, Some(_), None) => t(Msg::TrackOnSite).to_string(),
    };
    let updated = view.points.last().filter(|_| !recorded).map(|p| tf(Msg::TrackUpdatedAt, &[&format_beijing(p.at)]));
    let mut all: Vec<(f64, f64)> = view.points.iter().map(|p| (p.lat, p.lng)).collect();
    all.push(view.destination);
    let viewport = Viewport::fitting(&all);
    let tiles = view.tile_url.map(|url| viewport.tile_images(&url));
    let line = view.points.iter().map(|p| viewport.place(p.lat, p.lng)).map(|(x, y)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ");
    let (dx, dy) = viewport.place(dest_lat, dest_lng);
    // A finished trip has nobody to show, only where they went.
    let worker = view.points.last().filter(|_| !recorded).map(|p| viewport.place(p.lat, p.lng));
    view! {
        <h3 class="section-title">{t(if recorded { Msg::TrackRecordHeading } else { Msg::TrackHeading })}</h3>
        <section class="track" class:track-recorded=recorded data-points=view.points.len()>
            <p class="track-status" data-eta=view.eta_secs>{status}</p>
            <svg class="track-map" viewBox=format!("0 0 {MAP_W} {MAP_H}") role="img" aria-label=t(if recorded { Msg::TrackRecordMapLabel } else { Msg::TrackMapLabel })>
                <rect class="track-bg" width=MAP_W height=MAP_H/>
                {viewport.grid()}
                {tiles}
                <polyline class="track-line" points=line/>
                <circle class="track-destination" cx=dx cy=dy r=7/>
                {worker.map(|(x, y)| view! { <circle class="track-worker" cx=x cy=y r=8/> })}
            </svg>
            {updated.map(|u| view! { <p class="muted track-updated">{u}</p> })}
        </section>
    }
}

/// Map positions with dots that would sit on one another (closer than
/// `gap`, as orders at one address) fanned out on a small ring around
/// where they are, so each stays visible and clickable; the rest unchanged.
pub fn fanned_out(points: &[(f64, f64)], gap: f64) -> Vec<(f64, f64)> {
    let mut out = points.to_vec();
    let mut placed = vec![false; points.len()];
    for i in 0..points.len() {
        if placed[i] {
            continue;
        }
        let (x, y) = points[i];
        let stack: Vec<usize> = (i..points.len())
            .filter(|&j| !placed[j] && (points[j].0 - x).hypot(points[j].1 - y) < gap)
            .collect();
        if stack.len() > 1 {
            // A ring whose neighbouring dots are `gap` apart.
            let radius = gap / (2.0 * (std::f64::consts::PI / stack.len() as f64).sin());
            for (k, &j) in stack.iter().enumerate() {
                let angle = std::f64::consts::TAU * k as f64 / stack.len() as f64 - std::f64::consts::FRAC_PI_2;
                out[j] = (x + radius * angle.cos(), y + radius * angle.sin());
            }
        }
        for j in stack {
            placed[j] = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_at_one_address_fan_out_and_lone_dots_stay_put() {
        let points = [(100.0, 100.0), (100.0, 100.0), (100.5, 100.0), (300.0, 50.0)];
        let fanned = fanned_out(&points, 14.0);
        assert_eq!(fanned[3], (300.0, 50.0));
        for i in 0..3 {
            for j in 0..i {
                let d = (fanned[i].0 - fanned[j].0).hypot(fanned[i].1 - fanned[j].1);
                assert!(d >= 14.0 - 1e-9, "{i} and {j} are {d} apart");
            }
            // Still around the address.
            assert!((fanned[i].0 - 100.0).hypot(fanned[i].1 - 100.0) < 14.0);
        }
    }

    #[test]
    fn the_projection_puts_the_origin_in_the_middle_of_the_world_tile() {
        let (x, y) = project(0.0, 0.0, 0);
        assert!((x - 128.0).abs() < 1e-9 && (y - 128.0).abs() < 1e-9);
        // North is up: a point further north has a smaller y.
        assert!(project(31.3, 121.4, 12).1 < project(31.2, 121.4, 12).1);
    }

    #[test]
    fn the_map_zooms_in_as_far_as_every_point_still_fits() {
        let near = [(31.2304, 121.4737), (31.2404, 121.4837)];
        let viewport = Viewport::fitting(&near);
        for &(lat, lng) in &near {
            let (x, y) = viewport.place(lat, lng);
            assert!((MARGIN - 1e-6..=MAP_W - MARGIN + 1e-6).contains(&x) && (MARGIN - 1e-6..=MAP_H - MARGIN + 1e-6).contains(&y), "{x},{y}");
        }
        let closer = Viewport::fitting(&[(31.2304, 121.4737), (31.2314, 121.4747)]);
        assert!(closer.zoom > viewport.zoom);
        assert_eq!(Viewport::fitting(&[(31.23, 121.47)]).zoom, MAX_ZOOM);
    }

    #[test]
    fn the_tiles_cover_the_whole_map() {
        let viewport = Viewport::fitting(&[(31.2304, 121.4737), (31.2404, 121.4837)]);
        let tiles = viewport.tiles();
        assert!(!tiles.is_empty());
        for (x, y) in [(0.0, 0.0), (MAP_W - 1.0, 0.0), (0.0, MAP_H - 1.0), (MAP_W - 1.0, MAP_H - 1.0)] {
            assert!(tiles.iter().any(|&(_, _, tx, ty)| (tx..tx + TILE).contains(&x) && (ty..ty + TILE).contains(&y)), "{x},{y}");
        }
    }
}
