//! "Did you mean" suggestions for misspelt names.

/// The candidate closest to `name` by edit distance, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let limit = (name.chars().count() / 3).max(1) + 1;
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|(d, c)| *d <= limit && *d < c.chars().count().max(2))
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_close_names_only() {
        let layers = ["linear", "conv", "deconv", "batchnorm", "leaky_relu"];
        assert_eq!(did_you_mean("linaer", layers).as_deref(), Some("linear"));
        assert_eq!(
            did_you_mean("batchnrom", layers).as_deref(),
            Some("batchnorm")
        );
        assert_eq!(did_you_mean("transformer", layers), None);
    }
}
