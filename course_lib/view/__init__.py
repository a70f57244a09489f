"""View layer: scenes (ipympl figures + ipywidgets controls) that call the math layer."""
