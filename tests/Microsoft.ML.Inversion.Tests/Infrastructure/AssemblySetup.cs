// libtorch already uses every core; running test classes side by side on a 2-core CI machine only thrashes.
[assembly: DoNotParallelize]
