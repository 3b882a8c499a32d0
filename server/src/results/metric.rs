//! How a metric value is written for people: the one formatter behind status lines, messages,
//! reports and the `…Text` fields the editors show as they are.

/// `3.40x` for a speedup, `12.1 ms`, `35.2 MB`, else the number with four significant digits.
pub fn format_metric(metric: &str, value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    match metric {
        "speedup" => format!("{value:.2}x"),
        "latency_ms" => format!("{} ms", significant(value, 3)),
        "peak_memory_mb" => format!("{} MB", significant(value, 3)),
        _ => significant(value, 4),
    }
}

/// `value` rounded to `digits` significant digits, without trailing zeros after the point.
fn significant(value: f64, digits: i32) -> String {
    if value == 0.0 {
        return "0".into();
    }
    let magnitude = value.abs().log10().floor() as i32;
    let decimals = (digits - 1 - magnitude).max(0) as usize;
    let text = format!("{value:.decimals$}");
    if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text }
}

#[cfg(test)]
mod tests {
    use super::format_metric;

    #[test]
    fn each_metric_reads_as_its_unit() {
        assert_eq!(format_metric("speedup", 3.4), "3.40x");
        assert_eq!(format_metric("latency_ms", 12.1234), "12.1 ms");
        assert_eq!(format_metric("latency_ms", 0.04567), "0.0457 ms");
        assert_eq!(format_metric("peak_memory_mb", 35.24), "35.2 MB");
        assert_eq!(format_metric("peak_memory_mb", 1234.4), "1234 MB");
        assert_eq!(format_metric("accuracy", 0.912345), "0.9123");
        assert_eq!(format_metric("accuracy", 2.0), "2");
    }
}
