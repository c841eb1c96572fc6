"""Built-in card layouts (Handlebars files); see `pictify_ssg.core.layouts`."""
