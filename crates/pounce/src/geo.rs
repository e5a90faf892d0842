//! Great-circle distance and time-zone arithmetic.

/// Mean Earth radius in kilometres (IUGG).
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Great-circle distance in kilometres between two points given in degrees (haversine formula).
///
/// ```
/// // Toronto to Montreal is about 504 km.
/// let d = pounce::geo::haversine_km(43.70, -79.42, 45.51, -73.59);
/// assert!((d - 504.0).abs() < 5.0);
/// ```
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}

/// Hours two working days overlap when their time zones differ by `offset_diff_hours`, each
/// lasting `day_hours` (the same local hours in both places). Offsets wrap around the clock, so
/// +13 h and -11 h are the same shift.
///
/// ```
/// use pounce::geo::overlap_hours;
/// assert_eq!(overlap_hours(0.0, 8.0), 8.0);
/// assert_eq!(overlap_hours(-5.0, 8.0), 3.0); // Toronto and Amsterdam in winter: 3 h
/// assert_eq!(overlap_hours(12.0, 8.0), 0.0);
/// ```
pub fn overlap_hours(offset_diff_hours: f64, day_hours: f64) -> f64 {
    let d = offset_diff_hours.abs().rem_euclid(24.0);
    let d = d.min(24.0 - d);
    (day_hours - d).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn antipodes_are_half_the_circumference() {
        let d = haversine_km(10.0, 20.0, -10.0, -160.0);
        assert!((d - std::f64::consts::PI * EARTH_RADIUS_KM).abs() < 0.01, "{d}");
        assert_eq!(haversine_km(1.0, 2.0, 1.0, 2.0), 0.0);
    }

    #[test]
    fn overlap_wraps_around_midnight() {
        assert_eq!(overlap_hours(23.0, 8.0), 7.0);
        assert_eq!(overlap_hours(-23.0, 8.0), 7.0);
        assert_eq!(overlap_hours(5.5, 8.0), 2.5);
    }
}
