"""The e-resource catalog: typed models, safe loading, validation and site pages."""
