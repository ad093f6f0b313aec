"""The demo city of Huainan: plan, generators and bulk writers behind `manage.py seed_demo`."""
