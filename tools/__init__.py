"""The tool layer: typed functions over the engines and stores, registered once for every front-end."""
