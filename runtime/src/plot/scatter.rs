//! A scatter plot of 2-D points: real samples in one colour, generated in another, on white
//! with axis lines.

use super::{Channels, Image, PlotError};
use candle_core::{DType, Tensor};
use std::path::Path;

const WHITE: [u8; 3] = [255, 255, 255];
const AXIS: [u8; 3] = [0, 0, 0];

/// The data range shown on each axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AxisRange {
    /// The bounding box of all finite points, padded by 5% on each side.
    Auto,
    /// Fixed `(lo, hi)` ranges; points outside are clipped at the image edge.
    Fixed {
        /// Horizontal range.
        x: (f64, f64),
        /// Vertical range.
        y: (f64, f64),
    },
}

/// Size and colours of a scatter plot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScatterOptions {
    /// Image width in pixels.
    pub width: usize,
    /// Image height in pixels.
    pub height: usize,
    /// Blank pixels between the plot area and the image edge.
    pub margin: usize,
    /// Disc radius in pixels (0 draws single pixels).
    pub radius: usize,
    /// The data range.
    pub range: AxisRange,
    /// Colour of real points.
    pub real_colour: [u8; 3],
    /// Colour of generated points (drawn on top of real ones).
    pub fake_colour: [u8; 3],
}

impl Default for ScatterOptions {
    /// 400x400, auto range, blue real points, red generated points.
    fn default() -> Self {
        Self {
            width: 400,
            height: 400,
            margin: 10,
            radius: 2,
            range: AxisRange::Auto,
            real_colour: [31, 119, 180],
            fake_colour: [214, 39, 40],
        }
    }
}

/// Reads an `[N, 2]` tensor as points.
pub fn points_from_tensor(points: &Tensor) -> Result<Vec<[f64; 2]>, PlotError> {
    match points.dims() {
        [_, 2] => Ok(points
            .to_dtype(DType::F64)?
            .to_vec2::<f64>()?
            .into_iter()
            .map(|row| [row[0], row[1]])
            .collect()),
        dims => Err(PlotError::BadInput {
            expected: "an [N, 2] tensor of points",
            got: format!("shape {dims:?}"),
        }),
    }
}

/// Renders real and generated points. Points with a non-finite coordinate are skipped.
pub fn render_scatter(
    real: &[[f64; 2]],
    fake: &[[f64; 2]],
    opts: &ScatterOptions,
) -> Result<Image, PlotError> {
    let inner_w = opts
        .width
        .checked_sub(1 + 2 * opts.margin)
        .filter(|&w| w > 0);
    let inner_h = opts
        .height
        .checked_sub(1 + 2 * opts.margin)
        .filter(|&h| h > 0);
    let (Some(inner_w), Some(inner_h)) = (inner_w, inner_h) else {
        return Err(PlotError::BadInput {
            expected: "an image larger than twice its margin",
            got: format!("{}x{} with margin {}", opts.width, opts.height, opts.margin),
        });
    };
    let (xr, yr) = match opts.range {
        AxisRange::Auto => auto_range(real.iter().chain(fake)),
        AxisRange::Fixed { x, y } => (x, y),
    };
    for (lo, hi) in [xr, yr] {
        if !(lo.is_finite() && hi.is_finite() && lo < hi) {
            return Err(PlotError::BadInput {
                expected: "finite axis ranges with lo < hi",
                got: format!("x {xr:?}, y {yr:?}"),
            });
        }
    }
    let left = opts.margin as f64;
    let bottom = (opts.margin + inner_h) as f64;
    let to_px = |p: [f64; 2]| {
        let x = left + (p[0] - xr.0) / (xr.1 - xr.0) * inner_w as f64;
        let y = bottom - (p[1] - yr.0) / (yr.1 - yr.0) * inner_h as f64;
        (x.round() as i64, y.round() as i64)
    };

    let mut image = Image::filled(opts.width, opts.height, Channels::Rgb, &WHITE);
    // Axes through the origin when it is in view, else along the plot area's lower/left edge.
    let (axis_x, axis_y) = to_px([xr.0.max(0.0).min(xr.1), yr.0.max(0.0).min(yr.1)]);
    let (x0, x1) = (opts.margin as i64, (opts.margin + inner_w) as i64);
    let (y0, y1) = (opts.margin as i64, (opts.margin + inner_h) as i64);
    for x in x0..=x1 {
        image.set(x, axis_y, &AXIS);
    }
    for y in y0..=y1 {
        image.set(axis_x, y, &AXIS);
    }

    for (points, colour) in [(real, opts.real_colour), (fake, opts.fake_colour)] {
        for &p in points
            .iter()
            .filter(|p| p[0].is_finite() && p[1].is_finite())
        {
            let (cx, cy) = to_px(p);
            disc(&mut image, cx, cy, opts.radius as i64, &colour);
        }
    }
    Ok(image)
}

/// Renders the scatter plot and writes it as PNG at `path`.
pub fn write_scatter(
    path: &Path,
    real: &[[f64; 2]],
    fake: &[[f64; 2]],
    opts: &ScatterOptions,
) -> Result<(), PlotError> {
    render_scatter(real, fake, opts)?.write_png(path)
}

/// A filled disc: every pixel within `r` of the centre.
fn disc(image: &mut Image, cx: i64, cy: i64, r: i64, colour: &[u8]) {
    for dy in -r..=r {
        for dx in -r..=r {
            if dx * dx + dy * dy <= r * r {
                image.set(cx + dx, cy + dy, colour);
            }
        }
    }
}

/// Padded bounding box of the finite points; a unit box around a degenerate extent.
fn auto_range<'a>(points: impl Iterator<Item = &'a [f64; 2]>) -> ((f64, f64), (f64, f64)) {
    let mut bounds = [(f64::INFINITY, f64::NEG_INFINITY); 2];
    for p in points.filter(|p| p[0].is_finite() && p[1].is_finite()) {
        for (axis, b) in bounds.iter_mut().enumerate() {
            b.0 = b.0.min(p[axis]);
            b.1 = b.1.max(p[axis]);
        }
    }
    let pad = |(lo, hi): (f64, f64)| {
        if lo > hi {
            (-1.0, 1.0)
        } else if lo == hi {
            (lo - 1.0, hi + 1.0)
        } else {
            let d = 0.05 * (hi - lo);
            (lo - d, hi + d)
        }
    };
    (pad(bounds[0]), pad(bounds[1]))
}
