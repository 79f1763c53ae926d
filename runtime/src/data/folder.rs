//! Folders of PNG/JPEG images, resized to the declared size.

use std::path::{Path, PathBuf};

use image::imageops::FilterType;
use image::{DynamicImage, GenericImageView, ImageReader, RgbImage, RgbaImage};

use super::raw::{Elements, Layout, RawArray};
use super::{DataError, DataSpec, Dataset};

/// How [`load_folder`] reads a folder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FolderOptions {
    /// Crop the largest centred region with the declared aspect ratio before resizing, instead
    /// of stretching the whole image to the declared size.
    pub centre_crop: bool,
    /// Take labels from sub-folders: the images of the `k`-th sub-folder in byte-wise sorted
    /// name order get label `k`. Without it, only images directly in the folder are read and
    /// the dataset has no labels.
    pub labels_from_subdirs: bool,
}

/// Reads every `*.png`, `*.jpg` and `*.jpeg` (any case) in `dir`, in sorted file-name order.
///
/// `spec` must ask for images `[C, H, W]` with C = 1 (grey), 3 (RGB) or 4 (RGBA). Each image is
/// resized to H x W (bilinear, after an optional centre crop). Transparent pixels are composited
/// on white for C = 1 and 3; grey uses Rec. 709 luma. Bytes 0..255 map linearly onto `spec.range`.
pub fn load_folder(
    dir: &Path,
    spec: &DataSpec,
    options: FolderOptions,
) -> Result<Dataset, DataError> {
    let (c, h, w) = match spec.image_dims() {
        Some(dims @ (1 | 3 | 4, _, _)) => dims,
        _ => {
            return Err(DataError::Shape {
                file: dir.to_path_buf(),
                context: spec.context.clone(),
                expected: spec.describe(),
                found: "a folder of images (needs [C,H,W] with C = 1, 3 or 4)".into(),
            })
        }
    };
    let (files, labels) = if options.labels_from_subdirs {
        let classes = sorted_entries(dir, |p| p.is_dir())?;
        let mut files = Vec::new();
        let mut labels = Vec::new();
        for (k, class) in classes.iter().enumerate() {
            let images = sorted_entries(class, is_image)?;
            labels.extend(std::iter::repeat_n(k as u32, images.len()));
            files.extend(images);
        }
        (files, Some((labels, classes.len())))
    } else {
        (sorted_entries(dir, is_image)?, None)
    };
    if files.is_empty() {
        return Err(DataError::EmptyFolder {
            dir: dir.to_path_buf(),
            layout: if options.labels_from_subdirs {
                " inside one sub-folder per class"
            } else {
                " directly in the folder"
            },
        });
    }
    let mut bytes = Vec::with_capacity(files.len() * h * w * c);
    for file in &files {
        let rgba = fit(decode(file)?, w as u32, h as u32, options.centre_crop).to_rgba8();
        let pixels = match c {
            4 => rgba.into_raw(),
            3 => on_white(&rgba).into_raw(),
            _ => DynamicImage::ImageRgb8(on_white(&rgba))
                .to_luma8()
                .into_raw(),
        };
        bytes.extend_from_slice(&pixels);
    }
    let raw = RawArray::new(
        dir,
        files.len(),
        Layout::Hwc { h, w, c },
        Elements::U8(bytes),
    )?;
    Dataset::new(
        spec.sample_shape.clone(),
        raw.to_values(spec, None)?,
        labels,
    )
}

fn is_image(path: &Path) -> bool {
    path.is_file()
        && path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "png" | "jpg" | "jpeg"))
}

/// Entries of `dir` accepted by `keep`, sorted by file name.
fn sorted_entries(dir: &Path, keep: fn(&Path) -> bool) -> Result<Vec<PathBuf>, DataError> {
    let io = |source| DataError::Io {
        file: dir.to_path_buf(),
        source,
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if keep(&path) {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

fn decode(file: &Path) -> Result<DynamicImage, DataError> {
    let io = |source| DataError::Io {
        file: file.to_path_buf(),
        source,
    };
    ImageReader::open(file)
        .map_err(io)?
        .with_guessed_format()
        .map_err(io)?
        .decode()
        .map_err(|source| DataError::Image {
            file: file.to_path_buf(),
            source,
        })
}

/// Crops (optionally) and resizes `image` to exactly `w` x `h`.
fn fit(image: DynamicImage, w: u32, h: u32, centre_crop: bool) -> DynamicImage {
    let (sw, sh) = image.dimensions();
    let image = if centre_crop {
        // Compare aspect ratios sw/sh and w/h without division.
        let (cw, ch) = if u64::from(sw) * u64::from(h) > u64::from(sh) * u64::from(w) {
            (
                (u64::from(sh) * u64::from(w) / u64::from(h)).max(1) as u32,
                sh,
            )
        } else {
            (
                sw,
                (u64::from(sw) * u64::from(h) / u64::from(w)).max(1) as u32,
            )
        };
        image.crop_imm((sw - cw) / 2, (sh - ch) / 2, cw, ch)
    } else {
        image
    };
    if image.dimensions() == (w, h) {
        image
    } else {
        image.resize_exact(w, h, FilterType::Triangle)
    }
}

/// Composites RGBA over a white background.
fn on_white(rgba: &RgbaImage) -> RgbImage {
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let blend = |v: u8| {
            let (v, a) = (u32::from(v), u32::from(a));
            ((v * a + 255 * (255 - a) + 127) / 255) as u8
        };
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}
