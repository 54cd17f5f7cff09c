/* theme scripts: sticky menu */
document.documentElement.classList.add('js');
