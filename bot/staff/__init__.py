"""The staff console (/staff) and its JSON API (/api/v1/staff/): curate, review, learn, measure."""
