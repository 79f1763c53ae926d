//! PNG image grids and scatter plots, checked by decoding the written files.

use candle_core::{Device, Tensor};
use ganc_runtime::plot::{
    points_from_tensor, render_grid, write_grid, write_scatter, AxisRange, GridOptions, PlotError,
    ScatterOptions,
};
use std::path::Path;

/// Decodes a PNG into (width, height, bytes per pixel, pixels).
fn decode(path: &Path) -> (usize, usize, usize, Vec<u8>) {
    let decoder = png::Decoder::new(std::fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let channels = match info.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::Rgb => 3,
        other => panic!("unexpected colour type {other:?}"),
    };
    buf.truncate(info.buffer_size());
    (info.width as usize, info.height as usize, channels, buf)
}

fn at(img: &(usize, usize, usize, Vec<u8>), x: usize, y: usize) -> &[u8] {
    let (w, _, c, px) = img;
    &px[(y * w + x) * c..(y * w + x + 1) * c]
}

/// Four constant grey images (H 3, W 2) in a 2x2 grid, upscaled 2x, 1 px border of level 64.
#[test]
fn grey_grid_has_cell_levels_and_borders() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grid.png");
    let levels = [-1.0f32, 0.0, 0.5, 1.0];
    let values: Vec<f32> = levels.iter().flat_map(|&v| [v; 6]).collect();
    let images = Tensor::from_vec(values, (4, 1, 3, 2), &Device::Cpu).unwrap();
    let opts = GridOptions {
        cols: Some(2),
        lo: -1.0,
        hi: 1.0,
        border: 1,
        border_level: 64,
        upscale: 2,
    };
    write_grid(&path, &images, &opts).unwrap();
    let img = decode(&path);
    // Width: 2 cells of 2*2 px + 3 borders; height: 2 cells of 3*2 px + 3 borders.
    assert_eq!((img.0, img.1, img.2), (11, 15, 1));
    // (v + 1) / 2 * 255, rounded: -1 -> 0, 0 -> 127.5 -> 128, 0.5 -> 191.25 -> 191, 1 -> 255.
    let expected = [0u8, 128, 191, 255];
    for (i, &want) in expected.iter().enumerate() {
        let (left, top) = (1 + (i % 2) * 5, 1 + (i / 2) * 7);
        for (x, y) in [(left, top), (left + 3, top + 5), (left + 2, top + 3)] {
            assert_eq!(at(&img, x, y), [want], "cell {i} at ({x}, {y})");
        }
    }
    for (x, y) in [(0, 0), (5, 3), (10, 14), (3, 7), (7, 14), (0, 9)] {
        assert_eq!(at(&img, x, y), [64], "border at ({x}, {y})");
    }
}

/// Three RGB images in two columns: the fourth cell is border-coloured; channels map to R, G, B.
#[test]
fn rgb_grid_places_channels_and_fills_unused_cells() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rgb.png");
    // Per image, per channel constant, range [0, 1].
    let colours = [[1.0f32, 0.0, 0.0], [0.0, 1.0, 0.2], [0.0, 0.0, 1.0]];
    let values: Vec<f32> = colours
        .iter()
        .flat_map(|c| c.iter().flat_map(|&v| [v; 4]))
        .collect();
    let images = Tensor::from_vec(values, (3, 3, 2, 2), &Device::Cpu).unwrap();
    let opts = GridOptions {
        cols: Some(2),
        lo: 0.0,
        hi: 1.0,
        border: 2,
        border_level: 200,
        upscale: 1,
    };
    write_grid(&path, &images, &opts).unwrap();
    let img = decode(&path);
    // 2 cols * 2 px + 3 borders * 2 px = 10 in both directions (2 rows).
    assert_eq!((img.0, img.1, img.2), (10, 10, 3));
    assert_eq!(at(&img, 2, 2), [255, 0, 0]);
    assert_eq!(at(&img, 7, 3), [0, 255, 51]); // 0.2 * 255 = 51
    assert_eq!(at(&img, 3, 6), [0, 0, 255]);
    assert_eq!(at(&img, 6, 6), [200, 200, 200], "unused cell");
    assert_eq!(at(&img, 4, 4), [200, 200, 200], "border");
}

/// Individual pixels land in their upscaled blocks; out-of-range values clamp.
#[test]
fn upscaling_and_clamping() {
    let images = Tensor::new(&[[[[0.0f32, 0.25], [2.0, -3.0]]]], &Device::Cpu).unwrap();
    let opts = GridOptions {
        lo: 0.0,
        hi: 1.0,
        border: 0,
        upscale: 3,
        ..GridOptions::default()
    };
    let img = render_grid(&images, &opts).unwrap();
    assert_eq!((img.width, img.height), (6, 6));
    // 0.25 * 255 = 63.75 -> 64; 2.0 clamps to 255; -3 clamps to 0.
    for (x, y, want) in [
        (0, 0, 0u8),
        (2, 2, 0),
        (3, 0, 64),
        (5, 2, 64),
        (0, 3, 255),
        (2, 5, 255),
    ] {
        assert_eq!(img.pixel(x, y), [want], "({x}, {y})");
    }
    assert_eq!(img.pixel(4, 4), [0]);
}

#[test]
fn bad_grid_inputs_are_typed_errors() {
    let two_channels = Tensor::zeros((1, 2, 4, 4), candle_core::DType::F32, &Device::Cpu).unwrap();
    assert!(matches!(
        render_grid(&two_channels, &GridOptions::default()),
        Err(PlotError::BadInput { .. })
    ));
    let flat = Tensor::zeros((4, 4), candle_core::DType::F32, &Device::Cpu).unwrap();
    assert!(matches!(
        render_grid(&flat, &GridOptions::default()),
        Err(PlotError::BadInput { .. })
    ));
    let ok = Tensor::zeros((1, 1, 4, 4), candle_core::DType::F32, &Device::Cpu).unwrap();
    let reversed = GridOptions {
        lo: 1.0,
        hi: -1.0,
        ..GridOptions::default()
    };
    assert!(matches!(
        render_grid(&ok, &reversed),
        Err(PlotError::BadInput { .. })
    ));
    let err = write_grid(
        Path::new("/nonexistent-dir/x.png"),
        &ok,
        &GridOptions::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("/nonexistent-dir/x.png"), "{err}");
}

const REAL: [u8; 3] = [0, 0, 255];
const FAKE: [u8; 3] = [255, 0, 0];
const WHITE: [u8; 3] = [255, 255, 255];
const BLACK: [u8; 3] = [0, 0, 0];

fn scatter_opts(range: AxisRange) -> ScatterOptions {
    // Plot area 10..=110 in both directions: 100 px for the data range.
    ScatterOptions {
        width: 121,
        height: 121,
        margin: 10,
        radius: 2,
        range,
        real_colour: REAL,
        fake_colour: FAKE,
    }
}

#[test]
fn scatter_places_discs_and_axes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scatter.png");
    let range = AxisRange::Fixed {
        x: (-1.0, 1.0),
        y: (-1.0, 1.0),
    };
    let real = [[0.5, 0.5], [-0.9, 0.9]];
    // The second fake point sits on the second real point and is drawn on top.
    let fake = [[-0.5, -0.5], [-0.9, 0.9], [f64::NAN, 0.0]];
    write_scatter(&path, &real, &fake, &scatter_opts(range)).unwrap();
    let img = decode(&path);
    assert_eq!((img.0, img.1, img.2), (121, 121, 3));
    // x -> 10 + (x + 1) / 2 * 100; y -> 110 - (y + 1) / 2 * 100 (y grows upward).
    // (0.5, 0.5) -> (85, 35); (-0.5, -0.5) -> (35, 85); (-0.9, 0.9) -> (15, 15).
    assert_eq!(at(&img, 85, 35), REAL);
    assert_eq!(at(&img, 87, 35), REAL, "disc radius 2");
    assert_eq!(at(&img, 86, 36), REAL, "inside disc (1 + 1 <= 4)");
    assert_eq!(at(&img, 87, 37), WHITE, "outside disc (4 + 4 > 4)");
    assert_eq!(at(&img, 88, 35), WHITE);
    assert_eq!(at(&img, 35, 85), FAKE);
    assert_eq!(at(&img, 15, 15), FAKE, "generated drawn over real");
    // Axes through the origin: pixel column 60 and row 60, within the plot area only.
    assert_eq!(at(&img, 60, 20), BLACK);
    assert_eq!(at(&img, 100, 60), BLACK);
    assert_eq!(at(&img, 60, 5), WHITE, "margin");
    assert_eq!(at(&img, 115, 60), WHITE, "margin");
    assert_eq!(at(&img, 100, 100), WHITE);
}

#[test]
fn scatter_auto_range_pads_the_bounding_box() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("auto.png");
    // Bounding box x [2, 12], y [1, 21]; padded by 5%: x [1.5, 12.5], y [0, 22].
    let real = [[2.0, 1.0]];
    let fake = [[12.0, 21.0], [f64::INFINITY, 1e9]];
    write_scatter(&path, &real, &fake, &scatter_opts(AxisRange::Auto)).unwrap();
    let img = decode(&path);
    let px = |x: f64, y: f64| {
        (
            (10.0 + (x - 1.5) / 11.0 * 100.0).round() as usize,
            (110.0 - (y - 0.0) / 22.0 * 100.0).round() as usize,
        )
    };
    let (x, y) = px(2.0, 1.0);
    assert_eq!(at(&img, x, y), REAL);
    let (x, y) = px(12.0, 21.0);
    assert_eq!(at(&img, x, y), FAKE);
    // 0 is outside the x range, so the vertical axis runs along the left edge (column 10);
    // y = 0 is the lower edge of the range, so the horizontal axis is row 110.
    assert_eq!(at(&img, 10, 50), BLACK);
    assert_eq!(at(&img, 50, 110), BLACK);
    assert_eq!(at(&img, 50, 111), WHITE);
}

#[test]
fn points_come_from_n_by_2_tensors() {
    let t = Tensor::new(&[[1.0f32, 2.0], [3.0, -4.0]], &Device::Cpu).unwrap();
    assert_eq!(points_from_tensor(&t).unwrap(), [[1.0, 2.0], [3.0, -4.0]]);
    let bad = Tensor::new(&[[1.0f32, 2.0, 3.0]], &Device::Cpu).unwrap();
    assert!(matches!(
        points_from_tensor(&bad),
        Err(PlotError::BadInput { .. })
    ));
    let tiny = ScatterOptions {
        width: 20,
        margin: 10,
        ..ScatterOptions::default()
    };
    assert!(matches!(
        ganc_runtime::plot::render_scatter(&[], &[], &tiny),
        Err(PlotError::BadInput { .. })
    ));
}
