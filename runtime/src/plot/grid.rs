//! A grid of images from an `[N, C, H, W]` tensor, with borders between cells.

use super::{Channels, Image, PlotError};
use candle_core::{DType, Tensor};
use std::path::Path;

/// How to lay out and colour an image grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridOptions {
    /// Images per row; `None` picks the smallest count whose square holds all images.
    pub cols: Option<usize>,
    /// Value mapped to black (and below, clamped).
    pub lo: f64,
    /// Value mapped to white (and above, clamped).
    pub hi: f64,
    /// Border width in pixels, around and between cells.
    pub border: usize,
    /// Grey level of the border and of unused cells.
    pub border_level: u8,
    /// Each image pixel becomes an `upscale x upscale` block, so 28x28 samples are viewable.
    pub upscale: usize,
}

impl Default for GridOptions {
    /// Values in [-1, 1] (a tanh generator), 1 px mid-grey border, no upscaling.
    fn default() -> Self {
        Self {
            cols: None,
            lo: -1.0,
            hi: 1.0,
            border: 1,
            border_level: 128,
            upscale: 1,
        }
    }
}

/// Renders `images` (`[N, C, H, W]`, C = 1 for grey or 3 for RGB) as a grid. NaN values show
/// as black.
pub fn render_grid(images: &Tensor, opts: &GridOptions) -> Result<Image, PlotError> {
    let (n, c, h, w) = images.dims4().map_err(|_| PlotError::BadInput {
        expected: "an [N, C, H, W] tensor",
        got: format!("shape {:?}", images.dims()),
    })?;
    let channels = match c {
        1 => Channels::Grey,
        3 => Channels::Rgb,
        _ => {
            return Err(PlotError::BadInput {
                expected: "1 (grey) or 3 (RGB) channels",
                got: format!("{c} channels"),
            })
        }
    };
    if n == 0 || h == 0 || w == 0 {
        return Err(PlotError::BadInput {
            expected: "at least one non-empty image",
            got: format!("shape {:?}", images.dims()),
        });
    }
    if !(opts.lo.is_finite() && opts.hi.is_finite() && opts.lo < opts.hi) {
        return Err(PlotError::BadInput {
            expected: "a finite value range lo < hi",
            got: format!("[{}, {}]", opts.lo, opts.hi),
        });
    }
    if opts.upscale == 0 || opts.cols == Some(0) {
        return Err(PlotError::BadInput {
            expected: "upscale >= 1 and cols >= 1",
            got: format!("upscale {}, cols {:?}", opts.upscale, opts.cols),
        });
    }
    let cols = opts.cols.unwrap_or_else(|| smallest_square_side(n)).min(n);
    let rows = n.div_ceil(cols);
    let (s, b) = (opts.upscale, opts.border);
    let (cell_w, cell_h) = (w * s, h * s);
    let mut image = Image::filled(
        cols * cell_w + (cols + 1) * b,
        rows * cell_h + (rows + 1) * b,
        channels,
        &[opts.border_level; 3][..c],
    );

    let values = images
        .to_dtype(DType::F32)?
        .flatten_all()?
        .to_vec1::<f32>()?;
    let scale = 255.0 / (opts.hi - opts.lo);
    let level = |v: f32| ((f64::from(v) - opts.lo) * scale).clamp(0.0, 255.0).round() as u8;
    let mut colour = [0u8; 3];
    for index in 0..n {
        let left = b + (index % cols) * (cell_w + b);
        let top = b + (index / cols) * (cell_h + b);
        for y in 0..cell_h {
            for x in 0..cell_w {
                for (ch, slot) in colour.iter_mut().enumerate().take(c) {
                    *slot = level(values[((index * c + ch) * h + y / s) * w + x / s]);
                }
                image.set((left + x) as i64, (top + y) as i64, &colour);
            }
        }
    }
    Ok(image)
}

/// Renders `images` as a grid and writes it as PNG at `path`.
pub fn write_grid(path: &Path, images: &Tensor, opts: &GridOptions) -> Result<(), PlotError> {
    render_grid(images, opts)?.write_png(path)
}

/// The smallest `k` with `k * k >= n`.
fn smallest_square_side(n: usize) -> usize {
    let mut k = 1;
    while k * k < n {
        k += 1;
    }
    k
}
