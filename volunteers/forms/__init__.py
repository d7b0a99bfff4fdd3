"""Forms of the volunteers app, one module per area; they only clean input (services decide)."""
