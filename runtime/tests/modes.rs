//! Mode coverage (`ganc eval modes`) on hand-placed points.

use ganc_runtime::data::Synthetic;
use ganc_runtime::eval::modes::{centres_of, coverage, default_min_count};

#[test]
fn points_count_as_high_quality_only_within_three_std_of_their_nearest_mode() {
    let centres = [[0.0, 0.0], [1.0, 0.0]];
    let std = 0.1;
    let points = [
        [0.0, 0.0],      // on mode 0
        [0.29, 0.0],     // 2.9 std from mode 0
        [0.0, -0.31],    // 3.1 std from mode 0: low quality
        [0.8, 0.1],      // nearest is mode 1, sqrt(0.05) = 2.24 std away
        [0.5, 0.35],     // halfway: 3.5 std from both
        [f64::NAN, 0.0], // never high quality, but a sample
    ];
    let r = coverage(&points, &centres, std, 2);
    assert_eq!(r.samples, 6);
    assert_eq!(r.counts, vec![2, 1]);
    assert_eq!(r.high_quality, 3);
    assert!((r.high_quality_share() - 0.5).abs() < 1e-12);
    // Mode 1 has one high-quality point, below the threshold of 2.
    assert_eq!(r.covered, 1);
    assert_eq!(coverage(&points, &centres, std, 1).covered, 2);
}

#[test]
fn default_threshold_is_twenty_per_2500_rounded_up() {
    assert_eq!(default_min_count(2500), 20);
    assert_eq!(default_min_count(1000), 8);
    assert_eq!(default_min_count(1), 1);
}

#[test]
fn samples_drawn_from_the_data_cover_every_mode_with_almost_all_high_quality() {
    for set in [Synthetic::Ring8, Synthetic::Grid25] {
        let std = set.default_std();
        let data = set.sample(2500, std, 3).expect("samples");
        let points: Vec<[f64; 2]> = (0..data.len())
            .map(|i| {
                let s = data.sample(i).expect("sample");
                [f64::from(s[0]), f64::from(s[1])]
            })
            .collect();
        let r = coverage(
            &points,
            &centres_of(set),
            f64::from(std),
            default_min_count(2500),
        );
        assert_eq!(r.covered, r.counts.len());
        // A 2-D Gaussian lies within 3 std (radius) with probability 1 - exp(-4.5) = 98.9%.
        assert!(
            (r.high_quality_share() - 0.989).abs() < 0.01,
            "{}",
            r.high_quality_share()
        );
    }
}
