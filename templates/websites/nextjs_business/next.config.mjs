/** @type {import('next').NextConfig} */
const nextConfig = {
  // `next build` writes a static site to out/, the same shape as the pre-built export shipped with this project.
  output: 'export',
  trailingSlash: true,
  images: { unoptimized: true },
};

export default nextConfig;
