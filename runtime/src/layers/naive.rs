//! Direct loop implementations of the convolutions and pools, written from their textbook
//! definitions, to test the composed candle versions' forward values against.

/// Row-major flat index of `idx` in a tensor of shape `dims`.
fn at(dims: &[usize], idx: &[usize]) -> usize {
    dims.iter().zip(idx).fold(0, |acc, (d, i)| acc * d + i)
}

/// 3-D cross-correlation of `x [N, C, D, H, W]` with `w [O, C, kd, kh, kw]`: stride `s` on
/// all axes, zero padding `pd` on depth and `p` on height/width, dilation `dl` on
/// height/width. Returns the output and its shape.
pub(super) fn conv(
    x: &[f64],
    xd: [usize; 5],
    w: &[f64],
    wd: [usize; 5],
    s: usize,
    (pd, p): (usize, usize),
    dl: usize,
) -> (Vec<f64>, [usize; 5]) {
    let [n, c, d, h, wi] = xd;
    let [o, _, kd, kh, kw] = wd;
    let od = (d + 2 * pd - kd) / s + 1;
    let oh = (h + 2 * p - dl * (kh - 1) - 1) / s + 1;
    let ow = (wi + 2 * p - dl * (kw - 1) - 1) / s + 1;
    let yd = [n, o, od, oh, ow];
    let mut y = vec![0.0; n * o * od * oh * ow];
    for b in 0..n {
        for oc in 0..o {
            for z in 0..od {
                for i in 0..oh {
                    for j in 0..ow {
                        let mut acc = 0.0;
                        for ic in 0..c {
                            for a in 0..kd {
                                for u in 0..kh {
                                    for v in 0..kw {
                                        let zz = (z * s + a) as isize - pd as isize;
                                        let ii = (i * s + u * dl) as isize - p as isize;
                                        let jj = (j * s + v * dl) as isize - p as isize;
                                        if zz < 0
                                            || ii < 0
                                            || jj < 0
                                            || zz >= d as isize
                                            || ii >= h as isize
                                            || jj >= wi as isize
                                        {
                                            continue;
                                        }
                                        let xi = at(
                                            &xd,
                                            &[b, ic, zz as usize, ii as usize, jj as usize],
                                        );
                                        acc += x[xi] * w[at(&wd, &[oc, ic, a, u, v])];
                                    }
                                }
                            }
                        }
                        y[at(&yd, &[b, oc, z, i, j])] = acc;
                    }
                }
            }
        }
    }
    (y, yd)
}

/// 3-D transposed convolution of `x [N, I, D, H, W]` with `w [I, O, kd, kh, kw]`: every
/// input element scatters `x * w` to output position `in * s - pad + k`; `pd`/`p` pad and
/// `opd`/`op` output-pad depth and height/width.
pub(super) fn conv_transpose(
    x: &[f64],
    xd: [usize; 5],
    w: &[f64],
    wd: [usize; 5],
    s: usize,
    (pd, p): (usize, usize),
    (opd, op): (usize, usize),
) -> (Vec<f64>, [usize; 5]) {
    let [n, c, d, h, wi] = xd;
    let [_, o, kd, kh, kw] = wd;
    let od = (d - 1) * s + kd + opd - 2 * pd;
    let oh = (h - 1) * s + kh + op - 2 * p;
    let ow = (wi - 1) * s + kw + op - 2 * p;
    let yd = [n, o, od, oh, ow];
    let mut y = vec![0.0; n * o * od * oh * ow];
    for b in 0..n {
        for ic in 0..c {
            for z in 0..d {
                for i in 0..h {
                    for j in 0..wi {
                        let xv = x[at(&xd, &[b, ic, z, i, j])];
                        for oc in 0..o {
                            for a in 0..kd {
                                for u in 0..kh {
                                    for v in 0..kw {
                                        let zz = (z * s + a) as isize - pd as isize;
                                        let ii = (i * s + u) as isize - p as isize;
                                        let jj = (j * s + v) as isize - p as isize;
                                        if zz < 0
                                            || ii < 0
                                            || jj < 0
                                            || zz >= od as isize
                                            || ii >= oh as isize
                                            || jj >= ow as isize
                                        {
                                            continue;
                                        }
                                        let yi = at(
                                            &yd,
                                            &[b, oc, zz as usize, ii as usize, jj as usize],
                                        );
                                        y[yi] += xv * w[at(&wd, &[ic, oc, a, u, v])];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    (y, yd)
}

/// Max (`max = true`) or average pooling of `x [N, C, H, W]`, window `k`, stride `s`.
pub(super) fn pool(x: &[f64], xd: [usize; 4], k: usize, s: usize, max: bool) -> Vec<f64> {
    let [n, c, h, w] = xd;
    let (oh, ow) = ((h - k) / s + 1, (w - k) / s + 1);
    let mut y = Vec::with_capacity(n * c * oh * ow);
    for b in 0..n {
        for ch in 0..c {
            for i in 0..oh {
                for j in 0..ow {
                    let window = (0..k)
                        .flat_map(|u| (0..k).map(move |v| (u, v)))
                        .map(|(u, v)| x[at(&xd, &[b, ch, i * s + u, j * s + v])]);
                    y.push(if max {
                        window.fold(f64::NEG_INFINITY, f64::max)
                    } else {
                        window.sum::<f64>() / (k * k) as f64
                    });
                }
            }
        }
    }
    y
}
