"""Demo data: customers that show every eligibility outcome (``lastgate.demo.customers``)."""
