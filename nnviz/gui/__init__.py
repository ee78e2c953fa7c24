"""The Qt front end: thin views over the session model (nnviz.gui.session)."""
