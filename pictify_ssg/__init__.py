"""pictify-ssg: social cards for static sites."""
