"""The declarative sheet layout (layout.toml) and the bundled sample shop (sample_shop/)."""
