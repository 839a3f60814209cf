"""Source connectors: fetch live or read the bundled snapshot -> data/raw/<source>/<batch>/ -> raw.*"""
