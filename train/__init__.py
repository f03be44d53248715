"""Scripts that train the files the app ships (run as `python -m train.NAME`)."""
