#include "eg_tfl_resize.h"

/* floor of a float without libm (|v| < 2^31). */
static int32_t eg_floor_i32(float v) {
  const int32_t t = (int32_t)v;
  return (float)t > v ? t - 1 : t;
}

static void eg_bilinear_pos(int32_t o, float scale, int32_t half, int32_t size, float *pos, int32_t *lo, int32_t *hi) {
  int32_t f, c;
  *pos = half ? ((float)o + 0.5f) * scale - 0.5f : (float)o * scale;
  f = eg_floor_i32(*pos);
  c = (float)f == *pos ? f : f + 1;
  *lo = f > 0 ? f : 0;
  *hi = c < size - 1 ? c : size - 1;
}

static float eg_resize_scale(int32_t in, int32_t out, int32_t align) {
  return align && out > 1 ? (float)(in - 1) / (float)(out - 1) : (float)in / (float)out;
}

void eg_resize_bilinear_f32_tfl(const eg_resize_tfl_params *p, const float *in, float *out) {
  const float hs = eg_resize_scale(p->in_h, p->out_h, p->align_corners);
  const float ws = eg_resize_scale(p->in_w, p->out_w, p->align_corners);
  const int32_t C = p->channels, row = p->in_w * C;
  int32_t b, y, x, c;
  for (b = 0; b < p->batch; ++b) {
    const float *img = in + b * p->in_h * row;
    for (y = 0; y < p->out_h; ++y) {
      float iy;
      int32_t y0, y1;
      eg_bilinear_pos(y, hs, p->half_pixel_centers, p->in_h, &iy, &y0, &y1);
      for (x = 0; x < p->out_w; ++x) {
        float ix;
        int32_t x0, x1;
        eg_bilinear_pos(x, ws, p->half_pixel_centers, p->in_w, &ix, &x0, &x1);
        {
          const float dy = iy - (float)y0, dx = ix - (float)x0;
          const float *a = img + y0 * row + x0 * C, *bl = img + y1 * row + x0 * C;
          const float *r = img + y0 * row + x1 * C, *ru = img + y1 * row + x1 * C;
          for (c = 0; c < C; ++c)
            *out++ = a[c] * (1 - dy) * (1 - dx) + bl[c] * dy * (1 - dx) + r[c] * (1 - dy) * dx + ru[c] * dy * dx;
        }
      }
    }
  }
}

static int32_t eg_resize_scale10(int32_t in, int32_t out, int32_t align) {
  if (align && out > 1) return ((1 << 10) * (in - 1) + (out - 1) / 2) / (out - 1);
  return ((1 << 10) * in + out / 2) / out;
}

static void eg_bilinear_pos10(int32_t o, int32_t scale, int32_t half, int32_t size, int32_t *pos, int32_t *lo, int32_t *hi) {
  int32_t l, h;
  *pos = half ? o * scale + scale / 2 - (1 << 9) : o * scale;
  l = *pos / (1 << 10); /* C division: toward zero, as TFLite's */
  h = (*pos + (1 << 10) - 1) / (1 << 10);
  *lo = l > 0 ? l : 0;
  *hi = h < size - 1 ? h : size - 1;
}

void eg_resize_bilinear_s8_tfl(const eg_resize_tfl_params *p, const int8_t *in, int8_t *out) {
  const int32_t hs = eg_resize_scale10(p->in_h, p->out_h, p->align_corners);
  const int32_t ws = eg_resize_scale10(p->in_w, p->out_w, p->align_corners);
  const int32_t C = p->channels, row = p->in_w * C;
  int32_t b, y, x, c;
  for (b = 0; b < p->batch; ++b) {
    const int8_t *img = in + b * p->in_h * row;
    for (y = 0; y < p->out_h; ++y) {
      int32_t iy, y0, y1;
      eg_bilinear_pos10(y, hs, p->half_pixel_centers, p->in_h, &iy, &y0, &y1);
      for (x = 0; x < p->out_w; ++x) {
        int32_t ix, x0, x1;
        eg_bilinear_pos10(x, ws, p->half_pixel_centers, p->in_w, &ix, &x0, &x1);
        {
          const int64_t fy = iy - (1 << 10) * y0, fx = ix - (1 << 10) * x0;
          const int8_t *a = img + y0 * row + x0 * C, *bl = img + y1 * row + x0 * C;
          const int8_t *r = img + y0 * row + x1 * C, *ru = img + y1 * row + x1 * C;
          for (c = 0; c < C; ++c) {
            const int64_t s = (int64_t)a[c] * ((1 << 10) - fy) * ((1 << 10) - fx) + (int64_t)bl[c] * fy * ((1 << 10) - fx) +
                              (int64_t)r[c] * ((1 << 10) - fy) * fx + (int64_t)ru[c] * fy * fx;
            const int64_t round = s > 0 ? (1 << 19) : -(1 << 19);
            *out++ = (int8_t)((s + round) / (1 << 20));
          }
        }
      }
    }
  }
}
