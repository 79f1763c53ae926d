//! PNG output for monitoring a run: image grids of samples and 2-D scatter plots.
//!
//! Rendering produces an in-memory [`Image`]; [`Image::write_png`] encodes it. Keeping the two
//! apart lets tests inspect pixels without a file and keeps each file to one job.

mod grid;
mod scatter;

pub use grid::{render_grid, write_grid, GridOptions};
pub use scatter::{points_from_tensor, render_scatter, write_scatter, AxisRange, ScatterOptions};

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// Errors from rendering or writing a plot.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// The input tensor or points did not have the expected form.
    #[error("plot input: expected {expected}, got {got}")]
    BadInput {
        /// What the plot needs.
        expected: &'static str,
        /// What was given.
        got: String,
    },
    /// Reading the tensor's values failed.
    #[error("reading tensor for plot: {0}")]
    Candle(#[from] candle_core::Error),
    /// Creating or writing the file failed.
    #[error("writing plot {path}: {source}")]
    Io {
        /// The PNG file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The PNG encoder failed.
    #[error("encoding PNG {path}: {source}")]
    Encode {
        /// The PNG file.
        path: PathBuf,
        /// The underlying error.
        source: png::EncodingError,
    },
}

/// Colour layout of an [`Image`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channels {
    /// One byte per pixel.
    Grey,
    /// Three bytes per pixel, red first.
    Rgb,
}

impl Channels {
    /// Bytes per pixel.
    pub fn count(self) -> usize {
        match self {
            Channels::Grey => 1,
            Channels::Rgb => 3,
        }
    }
}

/// An 8-bit image, rows top to bottom, pixels left to right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// Colour layout.
    pub channels: Channels,
    /// `width * height * channels.count()` bytes.
    pub pixels: Vec<u8>,
}

impl Image {
    /// An image filled with one colour (`colour` has `channels.count()` bytes).
    pub fn filled(width: usize, height: usize, channels: Channels, colour: &[u8]) -> Self {
        let pixels = colour
            .iter()
            .copied()
            .cycle()
            .take(width * height * channels.count())
            .collect();
        Self {
            width,
            height,
            channels,
            pixels,
        }
    }

    /// The bytes of pixel (x, y). Panics outside the image, like slice indexing.
    pub fn pixel(&self, x: usize, y: usize) -> &[u8] {
        let n = self.channels.count();
        let at = (y * self.width + x) * n;
        &self.pixels[at..at + n]
    }

    /// Sets pixel (x, y) from the first `channels.count()` bytes of `colour`; coordinates
    /// outside the image are ignored, so shapes may overhang.
    pub fn set(&mut self, x: i64, y: i64, colour: &[u8]) {
        if x < 0 || y < 0 || x as usize >= self.width || y as usize >= self.height {
            return;
        }
        let n = self.channels.count();
        let at = (y as usize * self.width + x as usize) * n;
        self.pixels[at..at + n].copy_from_slice(&colour[..n]);
    }

    /// Encodes the image as PNG at `path`.
    pub fn write_png(&self, path: &Path) -> Result<(), PlotError> {
        let io = |source| PlotError::Io {
            path: path.to_path_buf(),
            source,
        };
        let encode = |source| PlotError::Encode {
            path: path.to_path_buf(),
            source,
        };
        let too_big = || PlotError::BadInput {
            expected: "an image at most u32::MAX pixels wide and high",
            got: format!("{}x{}", self.width, self.height),
        };
        let width = u32::try_from(self.width).map_err(|_| too_big())?;
        let height = u32::try_from(self.height).map_err(|_| too_big())?;
        let file = File::create(path).map_err(io)?;
        let mut encoder = png::Encoder::new(BufWriter::new(file), width, height);
        encoder.set_color(match self.channels {
            Channels::Grey => png::ColorType::Grayscale,
            Channels::Rgb => png::ColorType::Rgb,
        });
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(encode)?;
        writer.write_image_data(&self.pixels).map_err(encode)?;
        writer.finish().map_err(encode)
    }
}
