//! Reference data the desk works with: the procedure catalogue, the working-day calendar and the
//! office hours. The starter set ships with the app; the province's published versions will
//! replace it.

use thanthien_core::calendar::{reference_years, WorkCalendar, STARTER_CALENDAR};
use thanthien_core::procedure::{parse_catalogue, OfficeHours, Procedure, STARTER_CATALOGUE};

#[derive(Debug, Clone)]
pub struct Reference {
    pub catalogue: Vec<Procedure>,
    pub calendar: WorkCalendar,
    pub hours: OfficeHours,
}

impl Reference {
    /// The set compiled into the app. A broken file is a build defect, caught by core's tests;
    /// here it degrades to an empty catalogue and the statutory calendar rather than no app.
    pub fn starter() -> Reference {
        let catalogue = parse_catalogue(STARTER_CATALOGUE).unwrap_or_else(|e| {
            tracing::error!(error = %e, "starter procedure catalogue unreadable");
            Vec::new()
        });
        let years = reference_years(STARTER_CALENDAR).unwrap_or_else(|e| {
            tracing::error!(error = %e, "starter holiday calendar unreadable");
            Vec::new()
        });
        Reference { catalogue, calendar: WorkCalendar::with_published(years), hours: OfficeHours::default() }
    }
}
