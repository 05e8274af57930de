"""Tax Square calculators: 자동차세, 재산세, 취득세, exact to the won, each line with its article.

Pure functions over Decimal; the figures that change from year to year live in parameters.json.
"""

from civic.tax.acquisition_tax import AcquisitionTaxResult, calculate_acquisition_tax
from civic.tax.common import Line, TaxInputError, known_years, tax_year
from civic.tax.property_tax import PropertyTaxResult, calculate_property_tax
from civic.tax.vehicle_tax import VehicleTaxResult, calculate_vehicle_tax

__all__ = [
    "AcquisitionTaxResult",
    "Line",
    "PropertyTaxResult",
    "TaxInputError",
    "VehicleTaxResult",
    "calculate_acquisition_tax",
    "calculate_property_tax",
    "calculate_vehicle_tax",
    "known_years",
    "tax_year",
]
