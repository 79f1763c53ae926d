//! Tests of the data layer. Every file is written by the test itself, except the committed
//! Fashion-MNIST fixture; expected values are computed here from the bytes written.

use std::io::Write;
use std::path::{Path, PathBuf};

use candle_core::{DType, Device};
use ganc_runtime::data::*;

fn idx_bytes(type_code: u8, dims: &[u32], payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 0, type_code, dims.len() as u8];
    for d in dims {
        out.extend_from_slice(&d.to_be_bytes());
    }
    out.extend_from_slice(payload);
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn spec(shape: &[usize], lo: f32, hi: f32) -> DataSpec {
    DataSpec::new("x", shape, ValueRange::new(lo, hi).unwrap())
}

fn close(a: &[f32], b: &[f32], tol: f32) {
    assert_eq!(a.len(), b.len());
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!((x - y).abs() <= tol, "index {i}: {x} vs {y}");
    }
}

#[test]
fn idx_raw_3d_scales_bytes_onto_declared_range() {
    let dir = tempfile::tempdir().unwrap();
    let pixels = [0u8, 255, 51, 102, 204, 1, 2, 3, 4, 5, 6, 7];
    let images = write(dir.path(), "img", &idx_bytes(0x08, &[2, 2, 3], &pixels));
    let labels = write(dir.path(), "lab", &idx_bytes(0x08, &[2], &[3, 1]));
    let ds = load_idx(
        &images,
        Some(&labels),
        None,
        &spec(&[1, 2, 3], -1.0, 1.0),
        None,
    )
    .unwrap();
    assert_eq!(ds.len(), 2);
    assert_eq!(ds.sample_shape(), &[1, 2, 3]);
    // By hand: 0 -> -1, 255 -> 1, 51 -> 2*51/255 - 1 = -0.6, 102 -> -0.2, 204 -> 0.6.
    close(&ds.values()[..5], &[-1.0, 1.0, -0.6, -0.2, 0.6], 1e-6);
    let expected: Vec<f32> = pixels
        .iter()
        .map(|&b| 2.0 * f32::from(b) / 255.0 - 1.0)
        .collect();
    close(ds.values(), &expected, 1e-6);
    assert_eq!(ds.labels(), Some(&[3u32, 1][..]));
    assert_eq!(
        ds.num_classes(),
        Some(4),
        "largest label + 1 when not given"
    );
}

#[test]
fn idx_gz_4d_detected_by_content_and_converted_to_nchw() {
    let dir = tempfile::tempdir().unwrap();
    let (n, h, w, c) = (2usize, 2usize, 2usize, 3usize);
    let pixels: Vec<u8> = (0..n * h * w * c).map(|i| (i * 10) as u8).collect();
    // No .gz suffix: compression must be recognised from the gzip magic bytes.
    let path = write(
        dir.path(),
        "colour-idx4",
        &gzip(&idx_bytes(0x08, &[2, 2, 2, 3], &pixels)),
    );
    let ds = load_idx(&path, None, None, &spec(&[3, 2, 2], 0.0, 1.0), None).unwrap();
    let mut expected = Vec::new();
    for s in 0..n {
        for ch in 0..c {
            for y in 0..h {
                for x in 0..w {
                    expected.push(f32::from(pixels[((s * h + y) * w + x) * c + ch]) / 255.0);
                }
            }
        }
    }
    close(ds.values(), &expected, 1e-6);
    // Sample 0, channel 1 (green) starts with pixel (0,0)'s second byte, which is 10.
    assert!((ds.values()[4] - 10.0 / 255.0).abs() < 1e-6);
    assert!(ds.labels().is_none());
}

#[test]
fn idx_gz_3d_round_trip_and_flattened_request() {
    let dir = tempfile::tempdir().unwrap();
    let pixels: Vec<u8> = (0..3 * 4 * 4).map(|i| (i * 5) as u8).collect();
    let path = write(
        dir.path(),
        "g.gz",
        &gzip(&idx_bytes(0x08, &[3, 4, 4], &pixels)),
    );
    let as_image = load_idx(&path, None, None, &spec(&[1, 4, 4], 0.0, 255.0), None).unwrap();
    let raw: Vec<f32> = pixels.iter().map(|&b| f32::from(b)).collect();
    close(as_image.values(), &raw, 0.0);
    let flat = load_idx(&path, None, None, &spec(&[16], 0.0, 255.0), None).unwrap();
    assert_eq!(flat.sample_shape(), &[16]);
    close(flat.values(), &raw, 0.0);
}

#[test]
fn idx_float_file_assumed_unit_range_unless_told() {
    let dir = tempfile::tempdir().unwrap();
    let vals = [0.0f32, 0.25, 0.5, 1.0];
    let payload: Vec<u8> = vals.iter().flat_map(|v| v.to_be_bytes()).collect();
    let path = write(dir.path(), "f", &idx_bytes(0x0D, &[1, 2, 2], &payload));
    let ds = load_idx(&path, None, None, &spec(&[1, 2, 2], -1.0, 1.0), None).unwrap();
    close(ds.values(), &[-1.0, -0.5, 0.0, 1.0], 1e-6);
    let told = ValueRange::new(0.0, 0.5).unwrap();
    let ds = load_idx(&path, None, None, &spec(&[1, 2, 2], 0.0, 1.0), Some(told)).unwrap();
    close(ds.values(), &[0.0, 0.5, 1.0, 2.0], 1e-6);
}

#[test]
fn rgba_file_meets_rgb_request_composited_on_white() {
    let dir = tempfile::tempdir().unwrap();
    // Three 1x1 pixels, r=200 g=100 b=0 with alpha 0, 255 and 51 (= 0.2).
    let pixels = [200u8, 100, 0, 0, 200, 100, 0, 255, 200, 100, 0, 51];
    let path = write(dir.path(), "rgba", &idx_bytes(0x08, &[3, 1, 1, 4], &pixels));
    let ds = load_idx(&path, None, None, &spec(&[3, 1, 1], 0.0, 1.0), None).unwrap();
    let expected = [
        1.0,
        1.0,
        1.0, // transparent: white
        200.0 / 255.0,
        100.0 / 255.0,
        0.0, // opaque: the colour
        (200.0 * 0.2 + 255.0 * 0.8) / 255.0,
        (100.0 * 0.2 + 255.0 * 0.8) / 255.0,
        0.8,
    ];
    close(ds.values(), &expected, 1e-5);
    let keep = load_idx(&path, None, None, &spec(&[4, 1, 1], 0.0, 255.0), None).unwrap();
    close(keep.sample(2).unwrap(), &[200.0, 100.0, 0.0, 51.0], 0.0);
}

#[test]
fn truncated_idx_reports_expected_and_found_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = idx_bytes(0x08, &[2, 3, 3], &[7u8; 18]);
    bytes.pop();
    let path = write(dir.path(), "short-idx3", &bytes);
    let err = load_idx(&path, None, None, &spec(&[1, 3, 3], 0.0, 1.0), None).unwrap_err();
    match &err {
        DataError::Length {
            file,
            expected,
            found,
            dims,
        } => {
            assert_eq!(file, &path);
            assert_eq!((*expected, *found), (18, 17));
            assert_eq!(dims, &[2, 3, 3]);
        }
        other => panic!("wrong error kind: {other:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("short-idx3") && msg.contains("18") && msg.contains("17"),
        "{msg}"
    );

    // Trailing bytes are as wrong as missing ones.
    let long = write(dir.path(), "long", &idx_bytes(0x08, &[1, 1, 1], &[1, 2]));
    assert!(matches!(
        read_idx(&long),
        Err(DataError::Length {
            expected: 1,
            found: 2,
            ..
        })
    ));
    // A header cut inside its dimensions.
    let cut = write(dir.path(), "cut", &[0, 0, 8, 3, 0, 0]);
    assert!(matches!(read_idx(&cut), Err(DataError::BadHeader { .. })));
}

#[test]
fn truncated_gzip_is_a_gzip_error() {
    let dir = tempfile::tempdir().unwrap();
    let full = gzip(&idx_bytes(0x08, &[4, 8, 8], &[9u8; 256]));
    let path = write(dir.path(), "t.gz", &full[..full.len() / 2]);
    let err = read_idx(&path).unwrap_err();
    assert!(
        matches!(&err, DataError::Gzip { file, .. } if file == &path),
        "{err:?}"
    );
}

#[test]
fn bad_magic_and_unsupported_type() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "png-not-idx", b"\x89PNG\r\n\x1a\n....");
    let err = read_idx(&path).unwrap_err();
    match &err {
        DataError::BadMagic { found, .. } => assert_eq!(found, "89 50 4e 47"),
        other => panic!("wrong error kind: {other:?}"),
    }
    assert!(err.to_string().contains("png-not-idx"));
    let int32 = write(dir.path(), "i32", &idx_bytes(0x0C, &[1], &[0, 0, 0, 1]));
    let err = read_idx(&int32).unwrap_err();
    assert!(matches!(err, DataError::Unsupported { .. }), "{err:?}");
    assert!(err.to_string().contains("0x0c"));
}

#[test]
fn wrong_dims_name_declaration_and_file_shape() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "cifar-idx4",
        &idx_bytes(0x08, &[1, 32, 32, 3], &[0u8; 32 * 32 * 3]),
    );
    let err = load_idx(&path, None, None, &spec(&[1, 28, 28], -1.0, 1.0), None).unwrap_err();
    assert!(matches!(err, DataError::Shape { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: expected 28x28x1 images for data `x: [B,1,28,28]`, file has 32x32x3",
            path.display()
        )
    );
    // Right size, wrong channel count.
    let err = load_idx(&path, None, None, &spec(&[1, 32, 32], 0.0, 1.0), None).unwrap_err();
    assert!(err.to_string().contains("expected 32x32x1 images"), "{err}");
    let err = load_idx(&path, None, None, &spec(&[100], 0.0, 1.0), None).unwrap_err();
    assert!(
        err.to_string().contains("expected 100 values per sample"),
        "{err}"
    );
}

#[test]
fn label_count_and_range_errors() {
    let dir = tempfile::tempdir().unwrap();
    let images = write(dir.path(), "i", &idx_bytes(0x08, &[2, 1, 1], &[0, 0]));
    let three = write(dir.path(), "l3", &idx_bytes(0x08, &[3], &[0, 1, 2]));
    let err = load_idx(
        &images,
        Some(&three),
        None,
        &spec(&[1, 1, 1], 0.0, 1.0),
        None,
    );
    assert!(matches!(
        err,
        Err(DataError::LabelCount {
            expected: 2,
            found: 3,
            ..
        })
    ));
    let big = write(dir.path(), "l2", &idx_bytes(0x08, &[2], &[1, 10]));
    let err = load_idx(
        &images,
        Some(&big),
        Some(10),
        &spec(&[1, 1, 1], 0.0, 1.0),
        None,
    );
    assert!(matches!(
        err,
        Err(DataError::LabelRange {
            index: 1,
            found: 10,
            num_classes: 10,
            ..
        })
    ));
}

fn npy(version: u8, descr: &str, shape: &str, payload: &[u8]) -> Vec<u8> {
    let mut header = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
    let pre = if version == 1 { 10 } else { 12 };
    while (pre + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut out = b"\x93NUMPY".to_vec();
    out.extend_from_slice(&[version, 0]);
    if version == 1 {
        out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    } else {
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    }
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(payload);
    out
}

#[test]
fn npy_v1_f32_v2_f64_and_u8() {
    let dir = tempfile::tempdir().unwrap();
    let vals = [0.0f32, 0.5, 1.0, 0.25, 0.75, 0.125];
    let payload: Vec<u8> = vals.iter().flat_map(|v| v.to_le_bytes()).collect();
    let p = write(dir.path(), "a.npy", &npy(1, "<f4", "(2, 1, 3)", &payload));
    let ds = load_npy(&p, &spec(&[1, 1, 3], -1.0, 1.0), None).unwrap();
    close(ds.values(), &[-1.0, 0.0, 1.0, -0.5, 0.5, -0.75], 1e-6);

    let payload: Vec<u8> = [0.5f64, 0.25]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let p = write(dir.path(), "b.npy", &npy(2, "<f8", "(2,)", &payload));
    let ds = load_npy(&p, &spec(&[1], 0.0, 1.0), None).unwrap();
    close(ds.values(), &[0.5, 0.25], 0.0);

    let p = write(dir.path(), "c.npy", &npy(1, "|u1", "(1, 2)", &[0, 255]));
    let ds = load_npy(&p, &spec(&[2], -1.0, 1.0), None).unwrap();
    close(ds.values(), &[-1.0, 1.0], 1e-6);

    // 4-D with 3 on axis 1: channels first, values stay in place.
    let payload: Vec<u8> = (0..12u8).collect();
    let p = write(
        dir.path(),
        "d.npy",
        &npy(1, "|u1", "(1, 3, 2, 2)", &payload),
    );
    let ds = load_npy(&p, &spec(&[3, 2, 2], 0.0, 255.0), None).unwrap();
    close(
        ds.values(),
        &(0..12).map(|v| v as f32).collect::<Vec<_>>(),
        0.0,
    );
}

#[test]
fn npy_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "be.npy", &npy(1, ">f4", "(1,)", &[0; 4]));
    assert!(matches!(read_npy(&p), Err(DataError::Unsupported { .. })));
    let p = write(dir.path(), "short.npy", &npy(1, "<f4", "(2, 2)", &[0; 12]));
    assert!(matches!(
        read_npy(&p),
        Err(DataError::Length {
            expected: 16,
            found: 12,
            ..
        })
    ));
    let mut fortran = npy(1, "<f4", "(1,)", &[0; 4]);
    let at = fortran.windows(5).position(|w| w == b"False").unwrap();
    fortran[at..at + 5].copy_from_slice(b"True ");
    let p = write(dir.path(), "f.npy", &fortran);
    let err = read_npy(&p).unwrap_err();
    assert!(err.to_string().contains("fortran_order"), "{err}");
    let p = write(dir.path(), "x.npy", b"PK\x03\x04 zip");
    assert!(matches!(read_npy(&p), Err(DataError::BadMagic { .. })));
    let p = write(dir.path(), "h.npy", &npy(1, "<f4", "(1, x)", &[0; 4]));
    assert!(matches!(read_npy(&p), Err(DataError::BadHeader { .. })));
}

fn save_png(path: &Path, w: u32, h: u32, pixel: impl Fn(u32, u32) -> [u8; 4]) {
    image::RgbaImage::from_fn(w, h, |x, y| image::Rgba(pixel(x, y)))
        .save(path)
        .unwrap();
}

#[test]
fn png_folder_with_labels_from_sorted_subfolders() {
    let dir = tempfile::tempdir().unwrap();
    for class in ["dog", "cat"] {
        std::fs::create_dir(dir.path().join(class)).unwrap();
    }
    // Uniform images, so any resize filter keeps the colour exactly.
    save_png(&dir.path().join("dog/a.png"), 6, 6, |_, _| [255, 0, 0, 255]);
    save_png(&dir.path().join("cat/b.png"), 5, 3, |_, _| {
        [0, 51, 255, 255]
    });
    std::fs::write(dir.path().join("cat/notes.txt"), "ignored").unwrap();
    let opts = FolderOptions {
        labels_from_subdirs: true,
        ..FolderOptions::default()
    };
    let ds = load_folder(dir.path(), &spec(&[3, 2, 2], -1.0, 1.0), opts).unwrap();
    assert_eq!(ds.len(), 2);
    // Sorted classes: cat = 0, dog = 1; cat's image comes first.
    assert_eq!(ds.labels(), Some(&[0u32, 1][..]));
    assert_eq!(ds.num_classes(), Some(2));
    let g = 2.0 * 51.0 / 255.0 - 1.0;
    close(
        ds.sample(0).unwrap(),
        &[-1.0, -1.0, -1.0, -1.0, g, g, g, g, 1.0, 1.0, 1.0, 1.0],
        1e-6,
    );
    close(
        ds.sample(1).unwrap(),
        &[
            1.0, 1.0, 1.0, 1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0,
        ],
        1e-6,
    );

    // Grey: Rec. 709 luma of pure red is 0.2126 * 255 = 54.2 -> 54.
    let grey = load_folder(
        &dir.path().join("dog"),
        &spec(&[1, 2, 2], 0.0, 255.0),
        FolderOptions::default(),
    )
    .unwrap();
    close(grey.values(), &[54.0; 4], 0.0);
    assert!(grey.labels().is_none());
}

#[test]
fn png_folder_centre_crop_and_alpha() {
    let dir = tempfile::tempdir().unwrap();
    // 4 wide, 2 high: columns 0 and 3 black, columns 1 and 2 white. A centre crop to 2x2
    // keeps only the white columns; a stretch averages black into them.
    save_png(&dir.path().join("wide.png"), 4, 2, |x, _| {
        if x == 1 || x == 2 {
            [255, 255, 255, 255]
        } else {
            [0, 0, 0, 255]
        }
    });
    let cropped = FolderOptions {
        centre_crop: true,
        ..FolderOptions::default()
    };
    let ds = load_folder(dir.path(), &spec(&[1, 2, 2], 0.0, 1.0), cropped).unwrap();
    close(ds.values(), &[1.0; 4], 0.0);
    let stretched = load_folder(
        dir.path(),
        &spec(&[1, 2, 2], 0.0, 1.0),
        FolderOptions::default(),
    )
    .unwrap();
    assert!(
        stretched.values().iter().all(|&v| v < 0.99),
        "{:?}",
        stretched.values()
    );

    let clear = tempfile::tempdir().unwrap();
    save_png(&clear.path().join("t.PNG"), 1, 1, |_, _| [0, 0, 0, 0]);
    let ds = load_folder(
        clear.path(),
        &spec(&[3, 1, 1], 0.0, 1.0),
        FolderOptions::default(),
    )
    .unwrap();
    close(ds.values(), &[1.0, 1.0, 1.0], 0.0);
    let ds = load_folder(
        clear.path(),
        &spec(&[4, 1, 1], 0.0, 255.0),
        FolderOptions::default(),
    )
    .unwrap();
    close(ds.values(), &[0.0; 4], 0.0);
}

#[test]
fn png_folder_errors() {
    let dir = tempfile::tempdir().unwrap();
    let err = load_folder(
        dir.path(),
        &spec(&[3, 2, 2], 0.0, 1.0),
        FolderOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, DataError::EmptyFolder { .. }), "{err:?}");
    std::fs::write(dir.path().join("broken.png"), b"not a png").unwrap();
    let err = load_folder(
        dir.path(),
        &spec(&[3, 2, 2], 0.0, 1.0),
        FolderOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, DataError::Image { file, .. } if file.ends_with("broken.png")),
        "{err:?}"
    );
    let err = load_folder(
        dir.path(),
        &spec(&[2, 2, 2], 0.0, 1.0),
        FolderOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, DataError::Shape { .. }), "{err:?}");
}

fn numbered(len: usize) -> Dataset {
    let values: Vec<f32> = (0..len * 2).map(|v| v as f32).collect();
    let labels: Vec<u32> = (0..len as u32).map(|i| i % 3).collect();
    Dataset::new(vec![2], values, Some((labels, 3))).unwrap()
}

#[test]
fn batcher_epochs_are_permutations_and_seeded() {
    let (len, b) = (10, 3);
    let mut a = Batcher::new(len, b, 42).unwrap();
    let mut same = Batcher::new(len, b, 42).unwrap();
    let mut other = Batcher::new(len, b, 43).unwrap();
    assert_eq!(a.batches_per_epoch(), 3);
    let mut differs = false;
    for epoch in 0..4 {
        let mut seen = Vec::new();
        for _ in 0..3 {
            let idx = a.next_indices().to_vec();
            assert_eq!(idx.len(), b);
            assert_eq!(idx, same.next_indices());
            differs |= idx != other.next_indices();
            seen.extend(idx);
        }
        seen.sort();
        seen.dedup();
        assert_eq!(
            seen.len(),
            9,
            "epoch {epoch}: 9 distinct samples, the 10th dropped"
        );
        assert!(seen.iter().all(|&i| i < len));
        assert_eq!(a.position(), Position { epoch, cursor: 9 });
    }
    assert!(differs, "another seed gives another order");
}

#[test]
fn batcher_resume_continues_identically() {
    let ds = numbered(7);
    let device = Device::Cpu;
    let mut full = Batcher::new(ds.len(), 2, 9).unwrap();
    let mut saved = None;
    let mut tail = Vec::new();
    for step in 0..11 {
        if step == 5 {
            saved = Some(full.position());
        }
        let batch = full.next_batch(&ds, &device).unwrap();
        if step >= 5 {
            tail.push(batch.samples.to_vec2::<f32>().unwrap());
        }
    }
    let pos = saved.unwrap();
    assert_eq!(
        pos,
        Position {
            epoch: 1,
            cursor: 4
        },
        "3 batches of 2 per epoch of 7"
    );
    let mut resumed = Batcher::resume(ds.len(), 2, 9, pos).unwrap();
    for expected in tail {
        let batch = resumed.next_batch(&ds, &device).unwrap();
        assert_eq!(batch.samples.to_vec2::<f32>().unwrap(), expected);
    }
}

#[test]
fn batch_tensors_hold_the_selected_rows() {
    let ds = numbered(5);
    let batch = ds.batch(&[4, 0, 2], &Device::Cpu).unwrap();
    assert_eq!(batch.samples.dims(), &[3, 2]);
    assert_eq!(batch.samples.dtype(), DType::F32);
    assert_eq!(
        batch.samples.to_vec2::<f32>().unwrap(),
        vec![vec![8.0, 9.0], vec![0.0, 1.0], vec![4.0, 5.0]]
    );
    let labels = batch.labels.unwrap();
    assert_eq!(labels.dtype(), DType::U32);
    assert_eq!(labels.to_vec1::<u32>().unwrap(), vec![1, 0, 2]);
    assert!(ds.batch(&[5], &Device::Cpu).is_err());

    let images = Dataset::new(vec![1, 2, 2], vec![0.0; 12], None).unwrap();
    let batch = images.batch(&[0, 1], &Device::Cpu).unwrap();
    assert_eq!(batch.samples.dims(), &[2, 1, 2, 2]);
    assert!(batch.labels.is_none());
}

#[test]
fn batcher_rejects_bad_sizes() {
    assert!(matches!(
        Batcher::new(4, 0, 1),
        Err(DataError::Invalid { .. })
    ));
    assert!(matches!(
        Batcher::new(4, 5, 1),
        Err(DataError::Invalid { .. })
    ));
    let past = Position {
        epoch: 0,
        cursor: 5,
    };
    assert!(Batcher::resume(4, 2, 1, past).is_err());
    let mut b = Batcher::new(4, 2, 1).unwrap();
    assert!(b.next_batch(&numbered(5), &Device::Cpu).is_err());
}

#[test]
fn ring8_and_grid25_centres() {
    let ring = Synthetic::from_name("ring8").unwrap().centres();
    let s = 2f32.sqrt();
    let expected = [
        [2.0, 0.0],
        [s, s],
        [0.0, 2.0],
        [-s, s],
        [-2.0, 0.0],
        [-s, -s],
        [0.0, -2.0],
        [s, -s],
    ];
    for (c, e) in ring.iter().zip(expected) {
        close(c, &e, 1e-6);
    }
    let grid = Synthetic::from_name("grid25").unwrap().centres();
    assert_eq!(grid.len(), 25);
    for x in [-4.0, -2.0, 0.0, 2.0, 4.0] {
        for y in [-4.0, -2.0, 0.0, 2.0, 4.0] {
            assert_eq!(grid.iter().filter(|c| **c == [x, y]).count(), 1);
        }
    }
    assert!(Synthetic::from_name("ring9").is_none());
    assert_eq!(Synthetic::Ring8.default_std(), 0.02);
    assert_eq!(Synthetic::Grid25.default_std(), 0.05);
}

#[test]
fn synthetic_samples_have_declared_modes_and_std() {
    for kind in [Synthetic::Ring8, Synthetic::Grid25] {
        let std = kind.default_std();
        let ds = kind.sample(40_000, std, 7).unwrap();
        assert_eq!(ds.sample_shape(), &[2]);
        let centres = kind.centres();
        assert_eq!(ds.num_classes(), Some(centres.len()));
        let labels = ds.labels().unwrap();
        let (mut count, mut sq) = (vec![0usize; centres.len()], 0f64);
        for (i, &l) in labels.iter().enumerate() {
            let p = ds.sample(i).unwrap();
            let c = centres[l as usize];
            count[l as usize] += 1;
            sq += f64::from((p[0] - c[0]).powi(2) + (p[1] - c[1]).powi(2));
        }
        let empirical = (sq / (2.0 * labels.len() as f64)).sqrt() as f32;
        assert!(
            (empirical / std - 1.0).abs() < 0.02,
            "{kind:?}: std {empirical} vs {std}"
        );
        let expected = labels.len() / centres.len();
        assert!(
            count.iter().all(|&c| c > expected * 8 / 10),
            "{kind:?}: {count:?}"
        );
        // Same seed, same points; another seed, other points.
        assert_eq!(
            kind.sample(50, std, 7).unwrap().values(),
            &ds.values()[..100]
        );
        assert_ne!(
            kind.sample(50, std, 8).unwrap().values(),
            &ds.values()[..100]
        );
    }
    assert!(Synthetic::Ring8.sample(1, -1.0, 0).is_err());
}

#[test]
fn fashion_mnist_1k_falls_back_to_committed_fixture() {
    let empty = tempfile::tempdir().unwrap();
    let locator = Locator::new(empty.path());
    let spec = DataSpec::new("x", &[1, 28, 28], ValueRange::SYMMETRIC);
    let named = Named::from_name("fashion_mnist_1k").unwrap();
    let ds = load_named(&locator, named, Split::Train, &spec).unwrap();
    assert_eq!(ds.len(), 1000);
    assert_eq!(ds.sample_shape(), &[1, 28, 28]);
    assert_eq!(ds.num_classes(), Some(10));
    let mut present = [false; 10];
    for &l in ds.labels().unwrap() {
        present[l as usize] = true;
    }
    assert!(
        present.iter().all(|&p| p),
        "all ten classes among 1000 samples"
    );
    // Decode the first image independently: gunzip, skip the 16-byte idx3 header.
    let path = bundled_dir().join("fashion-mnist-train1k-images-idx3-ubyte.gz");
    let mut raw = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()),
        &mut raw,
    )
    .unwrap();
    assert_eq!(raw.len(), 16 + 1000 * 784);
    let first: Vec<f32> = raw[16..16 + 784]
        .iter()
        .map(|&b| f32::from(b) / 127.5 - 1.0)
        .collect();
    close(ds.sample(0).unwrap(), &first, 1e-6);

    assert!(matches!(
        load_named(&locator, named, Split::Test, &spec),
        Err(DataError::NoSplit { .. })
    ));
}

#[test]
fn named_lookup_in_data_dir_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("fixtures")).unwrap();
    // Uncompressed file without the `.gz` suffix; values 0..16 map onto [0, 1].
    let px: Vec<u8> = (0..64).map(|i| (i % 17) as u8).collect();
    std::fs::write(
        dir.path().join("fixtures/digits8x8-images-idx3-ubyte"),
        idx_bytes(0x08, &[1, 8, 8], &px),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("fixtures/digits8x8-labels-idx1-ubyte.gz"),
        gzip(&idx_bytes(0x08, &[1], &[7])),
    )
    .unwrap();
    let locator = Locator {
        data_dir: dir.path().to_path_buf(),
        fallback_dirs: vec![],
    };
    let spec = spec(&[1, 8, 8], 0.0, 1.0);
    let ds = load_named(&locator, Named::Digits8x8, Split::Train, &spec).unwrap();
    let expected: Vec<f32> = px.iter().map(|&v| f32::from(v) / 16.0).collect();
    close(ds.values(), &expected, 1e-6);
    assert_eq!(ds.labels(), Some(&[7u32][..]));

    let err = load_named(&locator, Named::Mnist, Split::Test, &spec).unwrap_err();
    assert!(matches!(err, DataError::NotFound { .. }), "{err:?}");
    assert!(
        err.to_string().contains("t10k-images-idx3-ubyte.gz"),
        "{err}"
    );
    let err = Named::from_name("cifar10").unwrap_err();
    assert!(err.to_string().contains("mnist, fashion_mnist"), "{err}");
    assert!(matches!(
        locator.find(Named::Emoji32, Split::Test),
        Err(DataError::NoSplit { .. })
    ));
}

#[test]
fn data_dir_precedence() {
    let cli = Path::new("/from/cli");
    let env = Some("/from/env".into());
    assert_eq!(
        resolve_data_dir_with(Some(cli), env.clone()),
        PathBuf::from("/from/cli")
    );
    assert_eq!(resolve_data_dir_with(None, env), PathBuf::from("/from/env"));
    assert_eq!(
        resolve_data_dir_with(None, Some("".into())),
        PathBuf::from("data")
    );
    assert_eq!(resolve_data_dir_with(None, None), PathBuf::from("data"));
}

#[test]
fn value_range_rejects_empty_bounds() {
    assert!(ValueRange::new(1.0, 1.0).is_err());
    assert!(ValueRange::new(1.0, -1.0).is_err());
    assert!(ValueRange::new(0.0, f32::NAN).is_err());
    assert_eq!(
        DataSpec::new("x", &[1, 28, 28], ValueRange::UNIT).context,
        "data `x: [B,1,28,28]`"
    );
}
