//Numpy array shape [6]
//Min -0.062988281250
//Max 0.062988281250
//Number of zeros 0

#ifndef B96_H_
#define B96_H_

#ifndef __SYNTHESIS__
bias96_t b96[6];
#else
bias96_t b96[6] = {-0.06298828125, 0.02050781250, -0.06298828125, 0.06298828125, 0.06298828125, 0.00146484375};

#endif

#endif
